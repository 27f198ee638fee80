import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, type Me } from '../api.ts';
import { safeNext, useSignIn } from '../auth.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { useFieldErrors } from '../validation.ts';

/** Where to go after signing in (`next`, same-origin only) and why the visitor was sent here (`reason`). */
function useReturnTo() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const reason = params.get('reason');
  const query = params.has('next') ? `?${new URLSearchParams({ next, ...(reason ? { reason } : {}) })}` : '';
  return { next, reason, query };
}

function ReasonNotice({ reason }: { reason: string | null }) {
  const { t, i18n } = useTranslation();
  if (!reason || !i18n.exists(`auth.reasons.${reason}`)) return null;
  return (
    <p className="notice" role="status" data-testid="login-reason">
      {t(`auth.reasons.${reason}`)}
    </p>
  );
}

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const back = useReturnTo();
  const signIn = useSignIn();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => api<Me>('/auth/login', { method: 'POST', body: { username, password } }),
    onSuccess: (me) => {
      signIn(me);
      navigate(back.next, { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  return (
    <section className="card narrow">
      <h1>{t('auth.login')}</h1>
      <ReasonNotice reason={back.reason} />
      <form onSubmit={submit} className="form">
        <label>
          {t('auth.username')}
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          {t('auth.password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <ErrorText error={login.error} />
        <button type="submit" className="primary" disabled={login.isPending}>
          {t('auth.submit')}
        </button>
      </form>
      <p className="hint">{t('auth.demoHint')}</p>
      <p>
        {t('auth.noAccount')} <Link to={`/register${back.query}`}>{t('auth.register')}</Link>
      </p>
    </section>
  );
}

export function RegisterPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const back = useReturnTo();
  const signIn = useSignIn();
  const [form, setForm] = useState({ username: '', displayName: '', password: '' });
  const register = useMutation({
    mutationFn: () => api<Me>('/auth/register', { method: 'POST', body: form }),
    onSuccess: (me) => {
      signIn(me);
      navigate(back.next, { replace: true });
    },
  });
  const fieldErrors = useFieldErrors();
  const beside = (['username', 'displayName', 'password'] as const).reduce((n, name) => n + fieldErrors(register.error, name).length, 0);
  const allBeside = register.error instanceof ApiError && beside > 0 && beside === register.error.errors.length;
  // The rules are shown before typing; a field the server refused says why beside it.
  const field = (name: keyof typeof form, type = 'text', autoComplete?: string, rule?: string) => {
    const errors = fieldErrors(register.error, name);
    return (
      <div className="field">
        <label>
          {t(`auth.${name}`)}
          <input
            name={name}
            type={type}
            autoComplete={autoComplete}
            value={form[name]}
            onChange={(e) => setForm({ ...form, [name]: e.target.value })}
            required
            aria-invalid={errors.length > 0 || undefined}
            aria-describedby={rule ? `${name}-rule` : undefined}
          />
        </label>
        {rule && (
          <span className="hint" id={`${name}-rule`}>
            {rule}
          </span>
        )}
        {errors.map((e) => (
          <span key={e} className="error field-error" role="alert">
            {e}
          </span>
        ))}
      </div>
    );
  };
  return (
    <section className="card narrow">
      <h1>{t('auth.register')}</h1>
      <ReasonNotice reason={back.reason} />
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          register.mutate();
        }}
      >
        {field('username', 'text', 'username', t('auth.usernameRule'))}
        {field('displayName', 'text', 'nickname')}
        {field('password', 'password', 'new-password', t('auth.passwordRule'))}
        {!allBeside && <ErrorText error={register.error} />}
        <button type="submit" className="primary" disabled={register.isPending}>
          {t('auth.registerSubmit')}
        </button>
      </form>
      <p>
        <Link to={`/login${back.query}`}>{t('auth.haveAccount')}</Link>
      </p>
    </section>
  );
}
