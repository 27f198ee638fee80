import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';

/** Turns an API problem into a sentence in the user's language. */
export function useErrorText() {
  const { t, i18n } = useTranslation();
  return (error: unknown): string => {
    if (!(error instanceof ApiError)) return t('errors.network');
    const key = `errors.${error.code}`;
    if (error.code === 'invalid_input') return t(key, { field: error.field ?? error.detail });
    return i18n.exists(key) ? t(key) : t('errors.generic', { detail: error.detail });
  };
}

export function ErrorText({ error }: { error: unknown }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {text(error)}
    </p>
  );
}
