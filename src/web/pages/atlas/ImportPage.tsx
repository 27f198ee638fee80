import { FileField } from '../../components/FileField.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { ImportReport, importFailure } from '../../components/ImportReport.tsx';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Reply } from '../../api.ts';
import { upload } from './api.ts';

type ImportResult = Reply<'importBuildings'>;

const FORMAT_OF: Record<string, string> = { csv: 'csv', xlsx: 'xlsx', geojson: 'geojson', json: 'geojson' };

/** Bulk import with a per-row report: every row is checked, and all are written or none. */
export function ImportPage() {
  const { t } = useTranslation('atlas');
  const client = useQueryClient();
  const [format, setFormat] = useState('csv');
  const [crs, setCrs] = useState('wgs84');
  const [dryRun, setDryRun] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const run = useMutation({
    mutationFn: () => upload<ImportResult>(`/atlas/import/buildings?format=${format}&crs=${crs}&dryRun=${dryRun}`, file!),
    onSuccess: () => client.invalidateQueries({ queryKey: ['atlas'] }),
  });
  const failure = importFailure(run.error);

  return (
    <section className="card atlas import-page">
      <p>
        <Link to="/atlas">← {t('back')}</Link>
      </p>
      <h1>{t('import.title')}</h1>
      <p className="hint">{t('import.hint')}</p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (file) run.mutate();
        }}
      >
        <div className="row wrap">
          <label>
            {t('import.format')}
            <select value={format} onChange={(e) => setFormat(e.target.value)}>
              <option value="csv">CSV</option>
              <option value="xlsx">XLSX</option>
              <option value="geojson">GeoJSON</option>
            </select>
          </label>
          <label>
            {t('import.crs')}
            <select value={crs} onChange={(e) => setCrs(e.target.value)}>
              <option value="wgs84">{t('building.wgs84')}</option>
              <option value="gcj02">{t('building.gcj02')}</option>
            </select>
          </label>
        </div>
        <label>
          {t('import.file')}
          <FileField
            kind="import"
            required
            onFile={(f) => {
              setFile(f);
              // The format follows the file's extension; the select stays for a file named otherwise.
              const ext = f?.name.toLowerCase().match(/\.([a-z]+)$/)?.[1];
              if (ext && FORMAT_OF[ext]) setFormat(FORMAT_OF[ext]);
            }}
          />
        </label>
        <p className="hint">
          {t('import.template')}{' '}
          {['csv', 'xlsx', 'geojson'].map((f) => (
            <a key={f} href={`/api/v1/atlas/import/template?format=${f}`} download>
              {f.toUpperCase()}{' '}
            </a>
          ))}
        </p>
        <label className="check">
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> {t('import.dryRun')}
        </label>
        <button type="submit" className="primary" disabled={run.isPending || !file}>
          {t('import.submit')}
        </button>
      </form>
      {run.data && (
        <p className="notice" role="status">
          {t(run.data.dryRun ? 'import.checked' : 'import.success', { created: run.data.created, updated: run.data.updated, unchanged: run.data.unchanged })}
        </p>
      )}
      {failure ? (
        <ImportReport failure={failure} summary={(n) => t('import.failed', n)} reason={(code) => t(`import.reasons.${code}` as 'import.reasons.required')} />
      ) : (
        <ErrorText ns="atlas" error={run.error} />
      )}
    </section>
  );
}
