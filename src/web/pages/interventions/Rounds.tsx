import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type CountyTree, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { PILLARS, SOURCES, toFen, yuan, type Pillar } from './shared.ts';
import { useName, useTitle } from '../../names.ts';

type Candidate = Reply<'listCandidates'>[number];
type Round = Reply<'getRound'>;
type Result = NonNullable<Round['result']>;
type Selection = NonNullable<Result['selection']>;
type Group = Result['greedy']['violations'][number];
interface Progress {
  phase: string;
  message: string;
  elapsedMs: number;
  gap?: number;
}

function useGroupText(result: Result | null, townships: Map<string, string>) {
  const { t } = useTranslation('interventions');
  const titled = useTitle();
  const title = (id: string) => (result?.projects[id] ? titled(result.projects[id]) : id);
  return (g: Group) => {
    switch (g.kind) {
      case 'cap':
        return t('rounds.group.cap', { source: t(`source.${g.source as 'county'}`) });
      case 'township_min':
      case 'township_max':
        return t(`rounds.group.${g.kind}`, { name: townships.get(g.township) ?? g.township });
      case 'pillar_min':
        return t('rounds.group.pillar_min', { pillar: t(`pillar.${g.pillar as Pillar}`) });
      case 'dependency':
        return t('rounds.group.dependency', { a: title(g.project), b: title(g.needs) });
      case 'exclusion':
        return t('rounds.group.exclusion', { a: title(g.a), b: title(g.b) });
      default:
        return t(`rounds.group.${g.kind}`);
    }
  };
}

function SelectionCard({ heading, sel, result, testId, children }: { heading: string; sel: Selection; result: Result; testId: string; children?: React.ReactNode }) {
  const { t } = useTranslation('interventions');
  const name = useName();
  const title = useTitle();
  return (
    <section className="card" data-testid={testId}>
      <h2>{heading}</h2>
      {children}
      <p className="stats">{t('rounds.objective', { value: sel.objective.toFixed(3) })}</p>
      <p>{t('rounds.selected', { count: sel.ids.length, cost: yuan(sel.costFen) })}</p>
      <ul className="iv-list">
        {sel.ids.map((id) => (
          <li key={id}>
            {result.projects[id] ? (
              <>
                <Link to={`/interventions/p/${id}`}>{title(result.projects[id])}</Link>{' '}
                <span className="muted">
                  · {name({ nameZh: result.projects[id].villageName, namePinyin: result.projects[id].villagePinyin }, 'village')} · {yuan(result.projects[id].costFen)}
                </span>
              </>
            ) : (
              <Link to={`/interventions/p/${id}`}>{id}</Link>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ResultView({ round, townships, onApplied }: { round: Round; townships: Map<string, string>; onApplied: () => void }) {
  const { t } = useTranslation('interventions');
  const r = round.result!;
  const text = useGroupText(r, townships);
  const apply = useMutation({ mutationFn: () => api<Reply<'applyRound'>>(`/interventions/rounds/${round.id}/apply`, { method: 'POST' }), onSuccess: onApplied });
  const statusText = t(`rounds.status.${r.status}`, { gap: ((r.gap ?? 0) * 100).toFixed(3) });
  const pct = r.selection && r.greedy.objective > 0 ? ((r.selection.objective / r.greedy.objective - 1) * 100).toFixed(1) : null;
  return (
    <div className="stack" data-testid="round-result">
      <p className="notice" role="status">
        {statusText} · {(r.timeMs / 1000).toFixed(2)} s
      </p>
      {r.conflict && (
        <div className="iv-conflict" role="alert">
          <p>{t('rounds.conflict')}</p>
          <ul className="iv-list">
            {r.conflict.groups.map((g, i) => (
              <li key={i}>{text(g)}</li>
            ))}
          </ul>
        </div>
      )}
      {r.selection && pct !== null && Number(pct) > 0 && <p className="stats">{t('rounds.better', { pct })}</p>}
      <div className="iv-compare">
        {r.selection && <SelectionCard heading={t('rounds.optimal')} sel={r.selection} result={r} testId="optimal" />}
        <SelectionCard heading={t('rounds.greedy')} sel={r.greedy} result={r} testId="greedy">
          {r.greedy.violations.length > 0 && <p className="error">{t('rounds.greedyBreaks', { list: r.greedy.violations.map(text).join('、') })}</p>}
        </SelectionCard>
      </div>
      {r.binding.length > 0 && (
        <section className="card">
          <h2>{t('rounds.binding')}</h2>
          <ul className="iv-list">
            {r.binding.map((b, i) => (
              <li key={i}>
                {text(b.group)} <span className="muted">· {t('rounds.slack', { slack: ['budget', 'cap', 'township_min', 'township_max'].includes(b.group.kind) ? yuan(b.slack) : b.slack })}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {r.whatIfs.length > 0 && r.selection && (
        <section className="card">
          <h2>{t('rounds.whatIf')}</h2>
          <ul className="iv-list">
            {r.whatIfs.map((w) => (
              <li key={w.factor}>
                {w.objective === null
                  ? `${yuan(w.budgetFen)}: ${t(`rounds.status.${w.status as 'infeasible'}`, { gap: '' })}`
                  : t('rounds.whatIfRow', {
                      budget: yuan(w.budgetFen),
                      value: w.objective.toFixed(3),
                      delta: `${w.objective >= r.selection!.objective ? '+' : ''}${(w.objective - r.selection!.objective).toFixed(3)}`,
                      count: w.ids.length,
                    })}
              </li>
            ))}
          </ul>
        </section>
      )}
      {round.status === 'solved' && r.selection && r.selection.ids.length > 0 && (
        <button type="button" className="primary" disabled={apply.isPending} onClick={() => apply.mutate()}>
          {t('rounds.apply')}
        </button>
      )}
      {apply.data && <p className="notice">{t('rounds.applied', { count: apply.data.funded })}</p>}
      <ErrorText ns="interventions" error={apply.error} />
    </div>
  );
}

export default function RoundsPage() {
  const { t } = useTranslation('interventions');
  const name = useName();
  const title = useTitle();
  const client = useQueryClient();
  const cands = useQuery({ queryKey: ['intervention-candidates'], queryFn: () => api<Candidate[]>('/interventions/candidates') });
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county') });
  const townships = new Map((county.data?.townships ?? []).map((x) => [x.id, name(x)]));
  const [form, setForm] = useState({
    name: '',
    budget: '',
    caps: { county: '', provincial: '', village: '', private: '' } as Record<(typeof SOURCES)[number], string>,
    maxPerVillage: '',
    townshipMin: '',
    townshipMax: '',
    minPerPillar: Object.fromEntries(PILLARS.map((p) => [p, ''])) as Record<Pillar, string>,
    weights: Object.fromEntries(PILLARS.map((p) => [p, '1'])) as Record<Pillar, string>,
  });
  const [deps, setDeps] = useState<{ proposalId: string; needsId: string }[]>([]);
  const [excl, setExcl] = useState<{ a: string; b: string }[]>([]);
  const [pick, setPick] = useState({ a: '', b: '' });
  const [progress, setProgress] = useState<Progress | null>(null);
  const [round, setRound] = useState<Round | null>(null);
  const [error, setError] = useState<unknown>(null);
  const source = useRef<EventSource | null>(null);
  useEffect(() => () => source.current?.close(), []);

  const list = cands.data ?? [];
  const candidateTitle = (id: string) => {
    const c = list.find((x) => x.id === id);
    return c ? title(c) : '';
  };
  const townshipIds = [...new Set(list.map((c) => c.townshipId))];
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const run = useMutation({
    mutationFn: async () => {
      setError(null);
      setRound(null);
      const caps = Object.fromEntries(SOURCES.filter((s) => form.caps[s].trim()).map((s) => [s, toFen(form.caps[s])]));
      const min = num(form.townshipMin);
      const max = num(form.townshipMax);
      const created = await api<Round>('/interventions/rounds', {
        method: 'POST',
        body: {
          name: form.name || new Date().toISOString().slice(0, 10),
          budgetFen: toFen(form.budget),
          ...(Object.keys(caps).length ? { capsFen: caps } : {}),
          ...(form.maxPerVillage.trim() ? { maxPerVillage: Number(form.maxPerVillage) } : {}),
          ...(min !== undefined || max !== undefined
            ? { townshipShares: townshipIds.map((id) => ({ townshipId: id, ...(min !== undefined ? { min: min / 100 } : {}), ...(max !== undefined ? { max: max / 100 } : {}) })) }
            : {}),
          minPerPillar: Object.fromEntries(PILLARS.filter((p) => form.minPerPillar[p].trim()).map((p) => [p, Number(form.minPerPillar[p])])),
          weights: Object.fromEntries(PILLARS.map((p) => [p, Number(form.weights[p] || 0)])),
          dependencies: deps,
          exclusions: excl,
        },
      });
      const { jobId } = await api<Reply<'startSolve'>>(`/interventions/rounds/${created.id}/solve`, { method: 'POST', body: {} });
      await new Promise<void>((resolve, reject) => {
        const es = new EventSource(`/api/v1/interventions/jobs/${jobId}/events`);
        source.current = es;
        es.addEventListener('progress', (e) => setProgress(JSON.parse((e as MessageEvent).data)));
        es.addEventListener('result', (e) => {
          setRound(JSON.parse((e as MessageEvent).data));
          es.close();
          resolve();
        });
        es.addEventListener('error', (e) => {
          es.close();
          const data = (e as MessageEvent).data;
          reject(new Error(data ? JSON.parse(data).detail : 'stream'));
        });
      });
    },
    onError: setError,
    onSettled: () => setProgress(null),
  });

  return (
    <div className="stack">
      <section className="card">
        <h1>{t('rounds.title')}</h1>
        <p className="hint">{t('rounds.intro')}</p>
        <p>{t('rounds.candidates', { count: list.length })}</p>
        {list.length === 0 ? (
          <p className="muted">{t('rounds.noCandidates')}</p>
        ) : (
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              run.mutate();
            }}
          >
            <label>
              {t('rounds.name')}
              <input name="roundName" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </label>
            <label>
              {t('rounds.budget')}
              <input name="budget" inputMode="decimal" required value={form.budget} onChange={(e) => setForm({ ...form, budget: e.target.value })} />
            </label>
            <fieldset>
              <legend>{t('rounds.caps')}</legend>
              <div className="iv-grid">
                {SOURCES.map((s) => (
                  <label key={s}>
                    {t(`source.${s}`)}
                    <input inputMode="decimal" value={form.caps[s]} onChange={(e) => setForm({ ...form, caps: { ...form.caps, [s]: e.target.value } })} />
                  </label>
                ))}
              </div>
            </fieldset>
            <div className="iv-grid">
              <label>
                {t('rounds.maxPerVillage')}
                <input name="maxPerVillage" inputMode="numeric" value={form.maxPerVillage} onChange={(e) => setForm({ ...form, maxPerVillage: e.target.value })} />
              </label>
              <label>
                {t('rounds.townshipMin')}
                <input name="townshipMin" inputMode="decimal" value={form.townshipMin} onChange={(e) => setForm({ ...form, townshipMin: e.target.value })} />
              </label>
              <label>
                {t('rounds.townshipMax')}
                <input name="townshipMax" inputMode="decimal" value={form.townshipMax} onChange={(e) => setForm({ ...form, townshipMax: e.target.value })} />
              </label>
            </div>
            <fieldset>
              <legend>{t('rounds.weights')}</legend>
              <div className="iv-grid">
                {PILLARS.map((p) => (
                  <label key={p}>
                    {t(`pillar.${p}`)}
                    <input inputMode="decimal" aria-label={`${t('rounds.weights')} ${t(`pillar.${p}`)}`} value={form.weights[p]} onChange={(e) => setForm({ ...form, weights: { ...form.weights, [p]: e.target.value } })} />
                  </label>
                ))}
              </div>
            </fieldset>
            <fieldset>
              <legend>{t('rounds.minPerPillar')}</legend>
              <div className="iv-grid">
                {PILLARS.map((p) => (
                  <label key={p}>
                    {t(`pillar.${p}`)}
                    <input inputMode="numeric" aria-label={`${t('rounds.minPerPillar')} ${t(`pillar.${p}`)}`} value={form.minPerPillar[p]} onChange={(e) => setForm({ ...form, minPerPillar: { ...form.minPerPillar, [p]: e.target.value } })} />
                  </label>
                ))}
              </div>
            </fieldset>
            <fieldset>
              <legend>
                {t('rounds.dependencies')} / {t('rounds.exclusions')}
              </legend>
              <div className="iv-pair">
                {(['a', 'b'] as const).map((k) => (
                  <select key={k} aria-label={k} value={pick[k]} onChange={(e) => setPick({ ...pick, [k]: e.target.value })}>
                    <option value="" />
                    {list.map((c) => (
                      <option key={c.id} value={c.id}>
                        {title(c)} · {name({ nameZh: c.villageName, namePinyin: c.villagePinyin }, 'village')}
                      </option>
                    ))}
                  </select>
                ))}
              </div>
              <div className="row wrap">
                <button type="button" disabled={!pick.a || !pick.b || pick.a === pick.b} onClick={() => setDeps([...deps, { proposalId: pick.a, needsId: pick.b }])}>
                  {t('rounds.addDependency')}
                </button>
                <button type="button" disabled={!pick.a || !pick.b || pick.a === pick.b} onClick={() => setExcl([...excl, { a: pick.a, b: pick.b }])}>
                  {t('rounds.addExclusion')}
                </button>
              </div>
              <ul className="iv-list">
                {deps.map((d, i) => (
                  <li key={`d${i}`}>
                    {candidateTitle(d.proposalId)} {t('rounds.needs')} {candidateTitle(d.needsId)}
                  </li>
                ))}
                {excl.map((x, i) => (
                  <li key={`x${i}`}>
                    {candidateTitle(x.a)} {t('rounds.excludes')} {candidateTitle(x.b)}
                  </li>
                ))}
              </ul>
            </fieldset>
            <ErrorText ns="interventions" error={error} />
            <button type="submit" className="primary" disabled={run.isPending}>
              {run.isPending ? t('rounds.solving') : t('rounds.solve')}
            </button>
            {progress && (
              <div>
                <p className="muted">{t('rounds.progress', { message: `${progress.message}${progress.gap !== undefined ? ` · gap ${(progress.gap * 100).toFixed(2)}%` : ''}` })}</p>
                <div className="iv-progress">
                  <span style={{ width: `${progress.phase === 'solve' ? 40 : progress.phase === 'what_if' ? 80 : 95}%` }} />
                </div>
              </div>
            )}
          </form>
        )}
      </section>
      {round?.result && (
        <ResultView
          round={round}
          townships={townships}
          onApplied={() => {
            setRound({ ...round, status: 'applied' });
            void client.invalidateQueries({ queryKey: ['intervention-candidates'] });
          }}
        />
      )}
    </div>
  );
}
