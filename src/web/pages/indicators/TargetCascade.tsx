import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { LightBadge } from './LightBadge.tsx';
import { unitPath, useNames, type Cascade } from './shared.ts';

/** A unit's targets and how they are split over the units under it: furthest behind first, with traffic lights. */
export function TargetCascade({ unitId, period, compact }: { unitId: string; period: number; compact?: boolean }) {
  const { t } = useTranslation('indicators');
  const names = useNames();
  const q = useQuery({ queryKey: ['indicators', 'targets', unitId, period], queryFn: () => api<Cascade>('/indicators/targets', { query: { unitId, period } }) });
  if (q.error) return <ErrorText error={q.error} />;
  if (!q.data) return null;
  const fmt = (x: number | null) => (x === null ? '—' : names.number(x));
  return (
    <section className="card" data-testid="cascade">
      <h2>{t('targets.title', { year: period })}</h2>
      {q.data.rows.length === 0 && <p className="muted">{t('targets.none')}</p>}
      {q.data.rows.map((r) => (
        <div key={r.indicator.id} className="ind-cascade" data-testid={`cascade-${r.indicator.code}`}>
          <h3>
            {names.indicator(r.indicator)} <LightBadge light={r.light} progress={r.progress} />
          </h3>
          <p className="muted">
            {t('targets.line', { target: fmt(r.target), actual: fmt(r.actual), unit: names.unit(r.indicator.unit) })}
            {r.unallocated !== null && ` · ${t('targets.unallocated', { value: fmt(r.unallocated) })}`}
          </p>
          {r.children.length > 0 && (
            <ol className="ind-behind">
              {(compact ? r.children.filter((c) => c.target !== null).slice(0, 5) : r.children).map((c) => (
                <li key={c.unitId}>
                  <Link to={unitPath(c.unitId, period)}>{names.place(c)}</Link>
                  <span className="muted">
                    {fmt(c.actual)} / {fmt(c.target)}
                  </span>
                  {c.target !== null ? <LightBadge light={c.light} progress={c.progress} /> : <span className="muted">{t('targets.noTarget')}</span>}
                </li>
              ))}
            </ol>
          )}
        </div>
      ))}
    </section>
  );
}
