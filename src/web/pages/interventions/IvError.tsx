import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import type { zhCN } from './i18n.ts';

type Code = keyof (typeof zhCN)['errors'];

/** This module's problems (workflow conflicts, rules) in the reader's language; anything else as the app shows it. */
export function IvError({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation('interventions');
  if (error instanceof ApiError && i18n.exists(`interventions:errors.${error.code}`)) {
    return (
      <p className="error" role="alert">
        {t(`errors.${error.code as Code}`)}
      </p>
    );
  }
  return <ErrorText error={error} />;
}
