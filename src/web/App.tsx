import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Route, Routes } from 'react-router';
import { hasRole, useMe, SignInRedirect } from './auth.tsx';
import { ComingSoon, Layout, NotFoundPage } from './components/Layout.tsx';
import { WEB_MODULES } from './modules.tsx';
import { OrganizationsPage } from './pages/admin/Organizations.tsx';
import { UsersPage } from './pages/admin/Users.tsx';
import { CountyPage } from './pages/County.tsx';
import { AccountPage, ResetPasswordPage } from './pages/Account.tsx';
import { LoginPage, RegisterPage } from './pages/Login.tsx';
import { UnitPage } from './pages/Unit.tsx';

// The audit page carries a sentence for every action the platform records: it loads when opened.
const AuditPage = lazy(() => import('./pages/admin/Audit.tsx').then((m) => ({ default: m.AuditPage })));


const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

function Loading() {
  const { t } = useTranslation();
  return <p>{t('common.loading')}</p>;
}

function AdminOnly({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation();
  const { data: me, isPending } = useMe();
  if (isPending) return <p>{t('common.loading')}</p>;
  if (!me) return <SignInRedirect />;
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
            <Route path="account" element={<AccountPage />} />
            <Route path="reset-password" element={<ResetPasswordPage />} />
            <Route path="units/:id" element={<UnitPage />} />
            <Route path="admin/users" element={<AdminOnly><UsersPage /></AdminOnly>} />
            <Route path="admin/organizations" element={<AdminOnly><OrganizationsPage /></AdminOnly>} />
            <Route path="admin/audit" element={<AdminOnly><AuditPage /></AdminOnly>} />
            {/* Each module's pages load when first visited, so a phone opening the home page downloads only the shell. */}
            {WEB_MODULES.map(({ name, Pages }) =>
              Pages ? <Route key={name} path={`${name}/*`} element={<Pages />} /> : <Route key={name} path={name} element={<ComingSoon module={name} />} />,
            )}
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
        </Suspense>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
