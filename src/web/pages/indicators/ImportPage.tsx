import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { upload, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

type ImportReply = Reply<'importIndicatorObservations'>;

/** Officials import a year's figures from CSV or XLSX: a template to fill in, a check, then all rows or none. */
export default function ImportPage() {
  const { t } = useTranslation('indicators');
  const client = useQueryClient();
  const [year, setYear] = useState(new Date().getFullYear());
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(false);
  const send = useMutation({
    mutationFn: async () => {
      const format = file!.name.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx';
      return upload<ImportReply>(`/indicators/import?format=${format}&dryRun=${dryRun}`, file!);
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['indicators'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) send.mutate();
  };
  const r = send.data;
  const problems = r?.report.filter((x) => x.status === 'error') ?? [];
  return (
    <div className="stack">
      <section className="card">
        <Link to="/indicators">← {t('village.back')}</Link>
        <h1>{t('import.title')}</h1>
        <p className="hint">{t('import.intro')}</p>
        <div className="row wrap">
          <label>
            {t('year')}
            <input type="number" min={2000} max={2100} value={year} onChange={(e) => setYear(Number(e.target.value))} />
          </label>
          <a className="button-link" href={`/api/v1/indicators/import/template.xlsx?period=${year}`} download>
            {t('import.template')}
          </a>
        </div>
      </section>
      <form className="card stack" onSubmit={submit}>
        <label>
          {t('import.file')}
          <input type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <label className="row">
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> {t('import.dryRun')}
        </label>
        <button type="submit" className="primary" disabled={!file || send.isPending}>
          {t('import.send')}
        </button>
        <ErrorText error={send.error} />
      </form>
      {r && (
        <section className="card" data-testid="import-report">
          <p role="status" className={r.accepted ? 'hint' : 'error'}>
            {r.accepted
              ? t('import.accepted', { written: r.written, unchanged: r.unchanged, skipped: r.skipped })
              : r.dryRun && r.errors === 0
                ? t('import.checked', { rows: r.rows })
                : t('import.refused', { errors: r.errors })}
          </p>
          {problems.length > 0 && (
            <table className="ind-table">
              <thead>
                <tr>
                  <th>{t('import.row')}</th>
                  <th>{t('import.field')}</th>
                  <th>{t('import.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p) => (
                  <tr key={p.row}>
                    <td>{p.row}</td>
                    <td>{p.field}</td>
                    <td>{t(`import.errors.${p.error}`, { defaultValue: p.reason })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </div>
  );
}
