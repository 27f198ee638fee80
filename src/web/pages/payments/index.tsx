// Payments' pages: WeChat Pay's QR page, settlement statements, and the county's refunds.
import { Route, Routes } from 'react-router';
import { QrPay } from './QrPay.tsx';
import { RefundsPage } from './Refunds.tsx';
import { OrgStatementPage, SettlementHome } from './Settlement.tsx';
import './payments.css';

export default function PaymentsPages() {
  return (
    <Routes>
      <Route path="qr/:paymentId" element={<QrPay />} />
      <Route path="refunds" element={<RefundsPage />} />
      <Route path="settlement/orgs/:orgId" element={<OrgStatementPage />} />
      <Route path="*" element={<SettlementHome />} />
    </Routes>
  );
}
