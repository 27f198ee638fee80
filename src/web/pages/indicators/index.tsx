/// <reference types="vite/client" />
import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import './indicators.css';

const DashboardPage = lazy(() => import('./Dashboard.tsx'));
const VillagePage = lazy(() => import('./VillagePage.tsx'));
const CataloguePage = lazy(() => import('./Catalogue.tsx'));
const WeightsPage = lazy(() => import('./WeightsPage.tsx'));
const ImportPage = lazy(() => import('./ImportPage.tsx'));
const ReportPage = lazy(() => import('./ReportPage.tsx'));
const ComparePage = lazy(() => import('./ComparePage.tsx'));

/** The indicators module's pages, mounted at /indicators/*. */
export default function IndicatorsPages() {
  return (
    <Suspense fallback={null}>
      <Routes>
        <Route index element={<DashboardPage />} />
        <Route path="v/:id" element={<VillagePage />} />
        <Route path="u/:id" element={<VillagePage />} />
        <Route path="catalogue" element={<CataloguePage />} />
        <Route path="weights" element={<WeightsPage />} />
        <Route path="import" element={<ImportPage />} />
        <Route path="report" element={<ReportPage />} />
        <Route path="compare" element={<ComparePage />} />
        <Route path="*" element={<DashboardPage />} />
      </Routes>
    </Suspense>
  );
}
