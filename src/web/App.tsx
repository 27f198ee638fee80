import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { hasRole, useMe } from './auth.tsx';
import { ComingSoon, Layout, MODULES } from './components/Layout.tsx';
import { AuditPage } from './pages/admin/Audit.tsx';
import { OrganizationsPage } from './pages/admin/Organizations.tsx';
import { UsersPage } from './pages/admin/Users.tsx';
import { CountyPage } from './pages/County.tsx';
import { LoginPage, RegisterPage } from './pages/Login.tsx';
import { UnitPage } from './pages/Unit.tsx';

// Each module's pages load when first visited, so a phone opening the home page downloads only the shell.
const AtlasPages = lazy(() => import('./pages/atlas/index.tsx'));
const MarketPages = lazy(() => import('./pages/market/index.tsx'));
const InterventionsPages = lazy(() => import('./pages/interventions/index.tsx'));
const InnsPages = lazy(() => import('./pages/inns/index.tsx'));

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

function Loading() {
  const { t } = useTranslation();
  return <p>{t('common.loading')}</p>;
}

function AdminOnly({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation();
  const { data: me, isPending } = useMe();
  if (isPending) return <p>{t('common.loading')}</p>;
  if (!me) return <Navigate to="/login" replace />;
  if (!hasRole(me, 'county_admin')) return <p className="error">{t('errors.forbidden')}</p>;
  return <>{children}</>;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Suspense fallback={<Loading />}>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<CountyPage />} />
            <Route path="login" element={<LoginPage />} />
            <Route path="register" element={<RegisterPage />} />
            <Route path="units/:id" element={<UnitPage />} />
            <Route path="admin/users" element={<AdminOnly><UsersPage /></AdminOnly>} />
            <Route path="admin/organizations" element={<AdminOnly><OrganizationsPage /></AdminOnly>} />
            <Route path="admin/audit" element={<AdminOnly><AuditPage /></AdminOnly>} />
            <Route path="atlas/*" element={<AtlasPages />} />
            <Route path="market/*" element={<MarketPages />} />
            <Route path="interventions/*" element={<InterventionsPages />} />
            <Route path="inns/*" element={<InnsPages />} />
            {MODULES.filter((m) => !['atlas', 'market', 'interventions', 'inns'].includes(m)).map((m) => (
              <Route key={m} path={m} element={<ComingSoon module={m} />} />
            ))}
            <Route path="*" element={<Navigate to="/" replace />} />
          </Route>
        </Routes>
        </Suspense>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
