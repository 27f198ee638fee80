import { Route, Routes } from 'react-router';
import { ComingSoon } from '../../components/Layout.tsx';

/** The inns module's pages, mounted at /inns/*. */
export default function InnsPages() {
  return (
    <Routes>
      <Route path="*" element={<ComingSoon module="inns" />} />
    </Routes>
  );
}
