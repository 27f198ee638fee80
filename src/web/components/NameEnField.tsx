// The optional English form of a name or title, with one label on every form ("English name (optional)").
import type { ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';

export function NameEnField(props: { name?: string; maxLength: number; value?: string; defaultValue?: string; onChange?: (e: ChangeEvent<HTMLInputElement>) => void }) {
  const { t } = useTranslation();
  return (
    <label>
      {t('common.nameEn')}
      <input lang="en" {...props} name={props.name ?? 'nameEn'} />
    </label>
  );
}
