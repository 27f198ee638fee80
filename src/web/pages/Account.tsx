import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api.ts';
import { SignInRedirect, useMe } from '../auth.tsx';
import { ErrorText } from '../components/ErrorText.tsx';

function PasswordField({ name, label, value, onChange, autoComplete }: { name: string; label: string; value: string; onChange: (v: string) => void; autoComplete: string }) {
  return (
    <label>
      {label}
      <input name={name} type="password" autoComplete={autoComplete} value={value} onChange={(e) => onChange(e.target.value)} required />
    </label>
  );
}

/** My account: change my password (the current one is required; my other devices are signed out). */
export function AccountPage() {
  const { t } = useTranslation();
  const { data: me, isPending } = useMe();
  const [form, setForm] = useState({ currentPassword: '', newPassword: '' });
  const change = useMutation({
    mutationFn: () => api('/auth/password', { method: 'POST', body: form }),
    onSuccess: () => setForm({ currentPassword: '', newPassword: '' }),
  });
  if (isPending) return <p>{t('common.loading')}</p>;
  if (!me) return <SignInRedirect />;
  return (
    <section className="card narrow">
      <h1>{t('account.title')}</h1>
      <p className="muted">{t('auth.signedInAs', { name: me.displayName })}</p>
      <h2>{t('account.changePassword')}</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate();
        }}
      >
        <PasswordField name="currentPassword" label={t('fields.currentPassword')} value={form.currentPassword} onChange={(v) => setForm({ ...form, currentPassword: v })} autoComplete="current-password" />
        <PasswordField name="newPassword" label={t('fields.newPassword')} value={form.newPassword} onChange={(v) => setForm({ ...form, newPassword: v })} autoComplete="new-password" />
        <span className="hint">{t('auth.passwordRule')}</span>
        <ErrorText error={change.error} />
        {change.isSuccess && (
          <p className="notice" role="status">
            {t('account.changed')}
          </p>
        )}
        <button type="submit" className="primary" disabled={change.isPending}>
          {t('account.changeSubmit')}
        </button>
      </form>
    </section>
  );
}

/** The page a one-time reset link opens: set a new password, then sign in with it. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [newPassword, setNewPassword] = useState('');
  const reset = useMutation({ mutationFn: () => api('/auth/password-reset', { method: 'POST', body: { token: params.get('token') ?? '', newPassword } }) });
  return (
    <section className="card narrow">
      <h1>{t('account.resetTitle')}</h1>
      {reset.isSuccess ? (
        <p className="notice" role="status">
          {t('account.resetDone')} <Link to="/login">{t('auth.login')}</Link>
        </p>
      ) : (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            reset.mutate();
          }}
        >
          <PasswordField name="newPassword" label={t('fields.newPassword')} value={newPassword} onChange={setNewPassword} autoComplete="new-password" />
          <span className="hint">{t('auth.passwordRule')}</span>
          <ErrorText error={reset.error} />
          <button type="submit" className="primary" disabled={reset.isPending}>
            {t('account.resetSubmit')}
          </button>
        </form>
      )}
    </section>
  );
}
