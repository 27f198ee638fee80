import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { upload } from '../../api.ts';
import { PeopleError } from './PeopleError.tsx';
import type { Application } from './shared.ts';

/** The documents attached to an application, each opening in a new tab (the applicant and its reviewers). */
export function DocumentLinks({ a }: { a: Application }) {
  const { t } = useTranslation('people');
  if (a.documents.length === 0) return null;
  return (
    <div className="row wrap" data-testid="application-documents">
      <span className="muted">{t('documents.attached')}</span>
      {a.documents.map((d) => (
        <a key={d.id} className="tag" href={`/api/v1/people/application-documents/${d.id}`} target="_blank" rel="noreferrer">
          {d.name}
        </a>
      ))}
    </div>
  );
}

/** The applicant attaches the documents the programme asks for, while the application is under review. */
export function AttachDocuments({ a }: { a: Application }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const add = useMutation({
    mutationFn: ({ name, file }: { name: string; file: File }) => upload(`/people/applications/${a.id}/documents`, file, { name }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  const missing = a.requiredDocuments.filter((name) => !a.documents.some((d) => d.name === name));
  if (missing.length === 0) return null;
  return (
    <div className="stack">
      <span className="warn-text">{t('documents.missing', { names: missing.join('、') })}</span>
      {missing.map((name) => (
        <label key={name} className="people-photo-add">
          {t('documents.upload', { name })}
          <input type="file" accept="image/jpeg,image/png,image/webp,application/pdf" disabled={add.isPending} onChange={(e) => e.target.files?.[0] && add.mutate({ name, file: e.target.files[0] })} />
        </label>
      ))}
      <PeopleError error={add.error} />
    </div>
  );
}
