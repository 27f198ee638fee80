import { Route, Routes } from 'react-router';
import { ComingSoon } from '../../components/Layout.tsx';

/** The atlas module's pages, mounted at /atlas/*. */
export default function AtlasPages() {
  return (
    <Routes>
      <Route path="*" element={<ComingSoon module="atlas" />} />
    </Routes>
  );
}
