import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { api } from './api.ts';
import { hasRole, useMe, SignInRedirect } from './auth.tsx';
import { ComingSoon, Layout, NotFoundPage } from './components/Layout.tsx';
import { addStrings, WEB_MODULES } from './modules.tsx';
import { OrganizationsPage } from './pages/admin/Organizations.tsx';
import { UsersPage } from './pages/admin/Users.tsx';
import { CountyPage } from './pages/County.tsx';
import { AccountPage, ResetPasswordPage } from './pages/Account.tsx';
import { LoginPage, RegisterPage } from './pages/Login.tsx';
import { UnitPage } from './pages/Unit.tsx';
import { AboutPage } from './pages/About.tsx';

// The audit page carries a sentence for every action the platform records: it loads when opened.
const AuditPage = lazy(() => import('./pages/admin/Audit.tsx').then((m) => ({ default: m.AuditPage })));


/** The first-run page and its strings load only on an instance that has no county yet. */
const SetupPage = lazy(async () => {
  const [page, strings] = await Promise.all([import('./pages/setup/index.tsx'), import('./pages/setup/i18n.ts')]);
  addStrings('setup', strings);
  return page;
});

/** While the instance has no county, every page leads to the first-run page. */
function FirstRunRedirect() {
  const location = useLocation();
  const { data } = useQuery({ queryKey: ['setup-status'], queryFn: () => api<{ needed: boolean }>('/setup'), staleTime: Infinity });
  if (data?.needed && location.pathname !== '/setup' && location.pathname !== '/reset-password') return <Navigate to="/setup" replace />;
  return null;
}

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
        <FirstRunRedirect />
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<CountyPage />} />
            <Route path="login" element={<LoginPage />} />
            <Route path="register" element={<RegisterPage />} />
            <Route path="account" element={<AccountPage />} />
            <Route path="reset-password" element={<ResetPasswordPage />} />
            <Route path="setup" element={<SetupPage />} />
            <Route path="units/:id" element={<UnitPage />} />
            <Route path="about" element={<AboutPage />} />
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
