import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { upload, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { FileField } from '../../components/FileField.tsx';
import { ImportReport, importFailure } from '../../components/ImportReport.tsx';

type SetupDone = Reply<'setUpCounty'>;
type SetupPreview = Reply<'previewSetup'>;

/** The first-run page: the county, its townships and villages from a file, and its first administrator. */
export default function SetupPage() {
  const { t } = useTranslation('setup');
  const { t: tc } = useTranslation();
  const client = useQueryClient();
  const [params] = useSearchParams();
  const [form, setForm] = useState({ token: params.get('token') ?? '', countyName: '', countyPinyin: '', adminUsername: '', adminDisplayName: '', adminPassword: '' });
  const [file, setFile] = useState<File | null>(null);
  const run = useMutation({
    mutationFn: () => upload<SetupDone>('/setup', file!, form),
    onSuccess: async () => {
      client.setQueryData(['setup-status'], { needed: false });
      await client.invalidateQueries();
    },
  });
  // The dry run: what the file would set up, before anything is written.
  const preview = useMutation({ mutationFn: (f: File) => upload<SetupPreview>('/setup/preview', f, { token: form.token }) });
  const chooseFile = (f: File | null) => {
    setFile(f);
    run.reset();
    preview.reset();
    if (f && form.token) preview.mutate(f);
  };
  const refused = run.error ?? preview.error;
  const failure = importFailure(refused);
  const field = (name: keyof typeof form, type = 'text', autoComplete = 'off', required = true) => (
    <label>
      {t(name)}
      <input name={name} type={type} autoComplete={autoComplete} required={required} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
    </label>
  );

  if (run.data)
    return (
      <section className="card narrow setup-page">
        <h1>{t('title')}</h1>
        <p className="notice" role="status">
          {t('done', { county: run.data.county.nameZh, townships: run.data.townships, villages: run.data.villages })}
        </p>
        <p className="row wrap">
          <Link to="/">{t('next.county')}</Link> <Link to="/admin/users">{t('next.users')}</Link>
        </p>
      </section>
    );

  return (
    <section className="card narrow setup-page">
      <h1>{t('title')}</h1>
      <p>{t('intro')}</p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (file) run.mutate();
        }}
      >
        {field('token', 'text', 'one-time-code')}
        <span className="hint">{t('codeHint')}</span>
        <h2>{t('county')}</h2>
        {field('countyName')}
        {field('countyPinyin', 'text', 'off', false)}
        <label>
          {t('file')}
          <FileField kind="units" required onFile={chooseFile} />
        </label>
        {file && !form.token && <span className="hint">{t('previewNeedsCode')}</span>}
        {preview.isPending && <p role="status">{t('previewing')}</p>}
        {preview.data && (
          <div className="setup-preview" role="status">
            <p>{t('preview', { townships: preview.data.townships.length, villages: preview.data.rows })}</p>
            <table>
              <thead>
                <tr>
                  <th>{t('previewTable.township')}</th>
                  <th>{t('previewTable.villages')}</th>
                  <th>{t('previewTable.located')}</th>
                  <th>{t('previewTable.sample')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.data.townships.map((tw) => (
                  <tr key={tw.name}>
                    <td>
                      {tw.name} <span className="muted">{tw.pinyin}</span>
                    </td>
                    <td>{tw.villages}</td>
                    <td>{tw.located}</td>
                    <td>{tw.sample.join('、')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <span className="hint">
          {t('template')} <a href="/api/v1/setup/template?format=xlsx" download>XLSX</a> · <a href="/api/v1/setup/template?format=csv" download>CSV</a>
          <br />
          {t('templateHint')}
        </span>
        <h2>{t('admin')}</h2>
        {field('adminUsername', 'text', 'username')}
        {field('adminDisplayName', 'text', 'name')}
        {field('adminPassword', 'password', 'new-password')}
        <span className="hint">{tc('auth.passwordRule')}</span>
        {failure ? (
          <ImportReport failure={failure} summary={(n) => t('failed', n)} reason={(code) => t(`reasons.${code}` as 'reasons.required')} />
        ) : (
          <ErrorText ns="setup" error={refused} />
        )}
        <button type="submit" className="primary" disabled={run.isPending || !file}>
          {run.isPending ? t('working') : t('submit')}
        </button>
      </form>
    </section>
  );
}
