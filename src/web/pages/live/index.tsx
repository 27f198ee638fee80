import { Route, Routes } from 'react-router';
import { ClaimPage } from './Claim.tsx';
import { HostConsole, HostSession } from './Host.tsx';
import { ReportPage } from './Report.tsx';
import { SessionView } from './Session.tsx';
import { SessionsPage } from './Sessions.tsx';
import './live.css';

/** The live module's pages, mounted at /live/*. */
export default function LivePages() {
  return (
    <Routes>
      <Route index element={<SessionsPage />} />
      <Route path="host" element={<HostConsole />} />
      <Route path="host/:id" element={<HostSession />} />
      <Route path="host/:id/report" element={<ReportPage />} />
      <Route path="claims/:id" element={<ClaimPage />} />
      <Route path=":id" element={<SessionView />} />
    </Routes>
  );
}
