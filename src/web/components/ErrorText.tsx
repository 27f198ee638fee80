import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';
import { useInputProblemText } from '../validation.ts';

/**
 * Turns an API problem into a sentence in the user's language: the module's own codes first (`<ns>:errors.<code>`,
 * given the problem's detail), then the app's.
 */
export function useErrorText(ns?: string) {
  const { t, i18n } = useTranslation();
  const inputProblem = useInputProblemText(ns);
  return (error: unknown): string => {
    if (!(error instanceof ApiError)) return t('errors.network');
    if (ns && i18n.exists(`${ns}:errors.${error.code}`)) return t(`${ns}:errors.${error.code}`, { detail: error.detail });
    const key = `errors.${error.code}`;
    if (error.code === 'invalid_input') return inputProblem(error);
    return i18n.exists(key) ? t(key) : t('errors.generic', { detail: error.detail });
  };
}

/** An API problem shown in words; `ns` names the module whose own problem codes it knows (market, inns…). */
export function ErrorText({ error, ns }: { error: unknown; ns?: string }) {
  const text = useErrorText(ns);
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {text(error)}
    </p>
  );
}
