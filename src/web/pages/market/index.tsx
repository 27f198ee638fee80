import { Route, Routes } from 'react-router';
import { ComingSoon } from '../../components/Layout.tsx';

/** The market module's pages, mounted at /market/*. */
export default function MarketPages() {
  return (
    <Routes>
      <Route path="*" element={<ComingSoon module="market" />} />
    </Routes>
  );
}
