import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { PeopleError } from './PeopleError.tsx';
import type { Master } from './shared.ts';

interface Apprentice {
  id: string;
  name: string;
  status: Master['apprentices'][number]['status'];
  motivation: string;
  minutes: number;
  sessions: { id: string; heldOn: string; minutes: number; skills: string; note: string }[];
}
type Workshop = Omit<Master, 'apprentices'> & { apprentices: Apprentice[] };

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

function ApprenticeRow({ a }: { a: Apprentice }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const done = { onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }) };
  const decide = useMutation({ mutationFn: (action: 'accept' | 'decline' | 'complete') => api(`/people/apprenticeships/${a.id}/decisions`, { method: 'POST', body: { action } }), ...done });
  const log = useMutation({ mutationFn: (body: Record<string, unknown>) => api(`/people/apprenticeships/${a.id}/sessions`, { method: 'POST', body }), ...done });
  return (
    <li className="people-row" data-testid="apprentice">
      <div className="row wrap">
        <strong>{a.name}</strong>
        <span className="tag">{t(`crafts.apprenticeStatus.${a.status}`)}</span>
        <span className="muted">{t('workshop.hours', { hours: (a.minutes / 60).toFixed(1) })}</span>
      </div>
      {a.motivation && <div className="muted">{a.motivation}</div>}
      {a.sessions.length > 0 && (
        <ol className="people-trail">
          {a.sessions.map((s) => (
            <li key={s.id}>
              {s.heldOn} · {t('workshop.minutes', { count: s.minutes })} {s.skills && `· ${s.skills}`}
            </li>
          ))}
        </ol>
      )}
      <PeopleError error={decide.error ?? log.error} />
      {a.status === 'applied' && (
        <div className="row wrap">
          <button type="button" className="primary" disabled={decide.isPending} onClick={() => decide.mutate('accept')}>
            {t('workshop.accept')}
          </button>
          <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('decline')}>
            {t('workshop.decline')}
          </button>
        </div>
      )}
      {a.status === 'active' && (
        <form
          className="form"
          aria-label={t('workshop.log', { name: a.name })}
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            log.mutate({ heldOn: String(f.get('heldOn')), minutes: Number(f.get('minutes')), skills: String(f.get('skills') ?? '') });
            e.currentTarget.reset();
          }}
        >
          <div className="iv-pair">
            <label>
              {t('workshop.heldOn')}
              <input name="heldOn" type="date" defaultValue={today()} max={today()} required />
            </label>
            <label>
              {t('workshop.minutesLabel')}
              <input name="minutes" type="number" min={1} max={1440} defaultValue={120} required />
            </label>
          </div>
          <label>
            {t('workshop.skills')}
            <input name="skills" maxLength={500} />
          </label>
          <div className="row wrap">
            <button type="submit" className="primary" disabled={log.isPending}>
              {t('workshop.logSubmit')}
            </button>
            <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('complete')}>
              {t('workshop.complete')}
            </button>
          </div>
        </form>
      )}
    </li>
  );
}

/** A master's workshop, as the master or an official of the village runs it. */
export function WorkshopPage() {
  const { t } = useTranslation('people');
  const { t: tc } = useTranslation();
  const { id } = useParams();
  const q = useQuery({ queryKey: ['people', 'workshop', id], queryFn: () => api<Workshop>(`/people/artisans/${id}/workshop`) });
  const w = q.data;
  return (
    <div className="stack people">
      <p>
        <Link to="/people">← {t('crafts.title')}</Link>
      </p>
      <PeopleError error={q.error} />
      {!w && !q.error && <p>{tc('common.loading')}</p>}
      {w && (
        <section className="card">
          <h2>
            {w.publicName} · {w.craft}
          </h2>
          <div className="row wrap">
            <span className="tag">{t(`crafts.levels.${w.level}`)}</span>
            <span className="muted">{t('crafts.places', { count: w.places })}</span>
          </div>
          {w.apprentices.length === 0 && <p className="hint">{t('workshop.none')}</p>}
          <ul className="people-list">
            {w.apprentices.map((a) => (
              <ApprenticeRow key={a.id} a={a} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
