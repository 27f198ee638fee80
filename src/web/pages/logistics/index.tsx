import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Route, Routes } from 'react-router';
import { hasRole, useMe } from '../../auth.tsx';
import DayPage from './DayPage.tsx';
import './logistics.css';

const PlanPage = lazy(() => import('./PlanPage.tsx'));
const FleetPage = lazy(() => import('./FleetPage.tsx'));
const ZonesPage = lazy(() => import('./ZonesPage.tsx'));

/** The logistics module's pages, mounted at /logistics/* (logistics operators and county administrators). */
export default function LogisticsPages() {
  const { t } = useTranslation('logistics');
  const { data: me, isPending } = useMe();
  if (isPending) return null;
  if (!hasRole(me, 'logistics_operator', 'county_admin'))
    return (
      <section className="card">
        <h1>{t('title')}</h1>
        <p>{t('denied')}</p>
      </section>
    );
  return (
    <div className="stack lg">
      <nav className="lg-tabs" aria-label={t('title')}>
        <NavLink to="/logistics" end>
          {t('nav.day')}
        </NavLink>
        <NavLink to="/logistics/fleet">{t('nav.fleet')}</NavLink>
        <NavLink to="/logistics/zones">{t('nav.zones')}</NavLink>
      </nav>
      <Suspense fallback={null}>
        <Routes>
          <Route index element={<DayPage />} />
          <Route path="plans/:id" element={<PlanPage />} />
          <Route path="fleet" element={<FleetPage />} />
          <Route path="zones" element={<ZonesPage />} />
          <Route path="*" element={<DayPage />} />
        </Routes>
      </Suspense>
    </div>
  );
}
