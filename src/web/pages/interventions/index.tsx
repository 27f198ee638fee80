import { Route, Routes } from 'react-router';
import { ComingSoon } from '../../components/Layout.tsx';

/** The interventions module's pages, mounted at /interventions/*. */
export default function InterventionsPages() {
  return (
    <Routes>
      <Route path="*" element={<ComingSoon module="interventions" />} />
    </Routes>
  );
}
