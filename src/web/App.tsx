import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { hasRole, useMe } from './auth.tsx';
import { ComingSoon, Layout, MODULES } from './components/Layout.tsx';
import { AuditPage } from './pages/admin/Audit.tsx';
import { UsersPage } from './pages/admin/Users.tsx';
import { CountyPage } from './pages/County.tsx';
import { LoginPage, RegisterPage } from './pages/Login.tsx';
import { UnitPage } from './pages/Unit.tsx';
import AtlasPages from './pages/atlas/index.tsx';
import InnsPages from './pages/inns/index.tsx';
import InterventionsPages from './pages/interventions/index.tsx';
import MarketPages from './pages/market/index.tsx';

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

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
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<CountyPage />} />
            <Route path="login" element={<LoginPage />} />
            <Route path="register" element={<RegisterPage />} />
            <Route path="units/:id" element={<UnitPage />} />
            <Route path="admin/users" element={<AdminOnly><UsersPage /></AdminOnly>} />
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
      </BrowserRouter>
    </QueryClientProvider>
  );
}
