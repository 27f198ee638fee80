import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

/** The people module's own problem codes in the user's language; everything else as the app shows it. */
export function PeopleError({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation('people');
  if (!error) return null;
  if (error instanceof ApiError && i18n.exists(`people:errors.${error.code}`)) {
    return (
      <p className="error" role="alert">
        {t(`errors.${error.code}`)}
      </p>
    );
  }
  return <ErrorText error={error} />;
}
