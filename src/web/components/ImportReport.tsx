import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';

/** A refused row of an uploaded file, as the 422 problem reports it: the row, its field, a reason code and the server's words. */
export interface ImportProblem {
  row: number;
  field: string;
  code: string;
  reason?: string;
}

export interface ImportFailure {
  report: ImportProblem[];
  rows: number;
}

/** The rows an import refused, when the error is the server's per-row report (422); null for any other error. */
export function importFailure(error: unknown): ImportFailure | null {
  const body = error instanceof ApiError ? (error as ApiError & { body?: { report?: ImportProblem[]; rows?: number } }).body : undefined;
  return body?.report ? { report: body.report, rows: body.rows ?? 0 } : null;
}

/**
 * The one per-row report of an import (the first-run page's villages, the Atlas's buildings): a summary line, then a
 * row a problem with its field and the reason in the reader's language (the server's own words beneath, when given).
 */
export function ImportReport({ failure, summary, reason }: { failure: ImportFailure; summary: (counts: { bad: number; rows: number }) => string; reason: (code: string) => string }) {
  const { t } = useTranslation();
  return (
    <div className="import-report" role="alert">
      <p className="error">{summary({ bad: new Set(failure.report.map((r) => r.row)).size, rows: failure.rows })}</p>
      <table>
        <thead>
          <tr>
            <th>{t('importReport.row')}</th>
            <th>{t('importReport.field')}</th>
            <th>{t('importReport.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {failure.report.map((r, i) => (
            <tr key={i} data-row={r.row}>
              <td>{r.row}</td>
              <td>
                <code>{r.field}</code>
              </td>
              <td>
                {reason(r.code)}
                {r.reason && <div className="muted">{r.reason}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
