import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { hasRole, loginPath, useMe, useSignOut } from '../auth.tsx';
import { api } from '../api.ts';
import { setLanguage, type Language } from '../i18n/index.ts';
import { WEB_MODULES } from '../modules.tsx';
import { NotificationBell } from '../pages/notifications/Bell.tsx';


/** Switches the page's language and, for a signed-in user, their account's: emails and pushes follow it. */
function switchLanguage(lang: Language, signedIn: boolean) {
  setLanguage(lang);
  if (signedIn) void api('/me', { method: 'PATCH', body: { locale: lang } }).catch(() => {});
}

export function Layout() {
  const { t, i18n } = useTranslation();
  const { data: me } = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const location = useLocation();
  const onAuthPage = location.pathname === '/login' || location.pathname === '/register';
  const [open, setOpen] = useState(false);
  const otherLanguage = i18n.language === 'en' ? 'zh-CN' : 'en';

  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden />
          <span>{t('app.name')}</span>
        </Link>
        <div className="topbar-actions">
          <button type="button" className="link-button" onClick={() => switchLanguage(otherLanguage, !!me)} title={t('lang.label')} lang={otherLanguage}>
            {t('lang.switch')}
          </button>
          {me ? (
            <>
              <NotificationBell />
              <Link to="/account" className="whoami" title={t('auth.signedInAs', { name: me.displayName })}>
                {me.displayName}
              </Link>
              <button
                type="button"
                className="link-button"
                onClick={async () => {
                  await signOut();
                  navigate('/login');
                }}
              >
                {t('auth.logout')}
              </button>
            </>
          ) : (
            <Link to={onAuthPage ? `/login${location.search}` : loginPath(`${location.pathname}${location.search}`)}>{t('auth.login')}</Link>
          )}
          <button type="button" className="menu-button" aria-expanded={open} onClick={() => setOpen(!open)}>
            {t('nav.menu')}
          </button>
        </div>
      </header>
      <nav className={`nav ${open ? 'open' : ''}`} onClick={() => setOpen(false)}>
        <NavLink to="/" end>
          {t('nav.home')}
        </NavLink>
        {WEB_MODULES.map(({ name }) => (
          <NavLink key={name} to={`/${name}`}>
            {t(`nav.${name}`)}
          </NavLink>
        ))}
        {hasRole(me, 'county_admin') && <NavLink to="/admin/users">{t('nav.admin')}</NavLink>}
        {hasRole(me, 'county_admin') && <NavLink to="/admin/organizations">{t('nav.orgs')}</NavLink>}
        {hasRole(me, 'county_admin') && <NavLink to="/admin/audit">{t('nav.audit')}</NavLink>}
        <NavLink to="/about">{t('nav.about')}</NavLink>
      </nav>
      <main id="main" className="main">
        <Outlet />
      </main>
      <footer className="footer">
        {t('app.tagline')} · <Link to="/about">{t('nav.about')}</Link>
      </footer>
    </div>
  );
}

export function ComingSoon({ module }: { module: string }) {
  const { t } = useTranslation();
  return (
    <section className="card">
      <h1>{t('soon.title', { module: t(`nav.${module}`) })}</h1>
      <p>{t('soon.body')}</p>
    </section>
  );
}

/** What an unknown address shows: says so, and offers the way home (instead of silently showing the home page). */
export function NotFoundPage() {
  const { t } = useTranslation();
  const location = useLocation();
  return (
    <section className="card" data-testid="not-found">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.body', { path: location.pathname })}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </section>
  );
}
