import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, upload, type Reply } from '../../api.ts';
import { MasterWorkshops } from './Experiences.tsx';
import { PeopleError } from './PeopleError.tsx';

type Workshop = Reply<'artisanWorkshop'>;
type Apprentice = Workshop['apprentices'][number];
type Session = Apprentice['sessions'][number];
type Milestone = Apprentice['milestones'][number];

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/** A session's line: date, length, what was learnt, its photos; the master's side adds photos. */
function SessionLine({ s, canEdit }: { s: Session; canEdit: boolean }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const add = useMutation({
    mutationFn: (file: File) => upload(`/people/training-sessions/${s.id}/photos`, file),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  return (
    <li data-testid="session">
      {s.heldOn} · {t('workshop.minutes', { count: s.minutes })} {s.skills && `· ${s.skills}`}
      {s.photos.length > 0 && (
        <div className="people-photos">
          {s.photos.map((p) => (
            <a key={p.id} href={`/api/v1/people/session-photos/${p.id}`} target="_blank" rel="noreferrer">
              <img src={`/api/v1/people/session-photos/${p.id}?size=thumb`} alt={p.caption || t('workshop.photoOf', { date: s.heldOn })} loading="lazy" />
            </a>
          ))}
        </div>
      )}
      {canEdit && (
        <label className="people-photo-add">
          {t('workshop.addPhoto', { date: s.heldOn })}
          <input type="file" accept="image/jpeg,image/png,image/webp" disabled={add.isPending} onChange={(e) => e.target.files?.[0] && add.mutate(e.target.files[0])} />
        </label>
      )}
      <PeopleError error={add.error} />
    </li>
  );
}

/** The sessions and the milestones of one apprenticeship, as the master, an official or the apprentice reads them. */
export function Progress({ sessions, milestones, canEdit }: { sessions: Session[]; milestones: Milestone[]; canEdit: boolean }) {
  const { t } = useTranslation('people');
  return (
    <>
      {sessions.length > 0 && (
        <ol className="people-trail">
          {sessions.map((s) => (
            <SessionLine key={s.id} s={s} canEdit={canEdit} />
          ))}
        </ol>
      )}
      {milestones.length > 0 && (
        <div className="row wrap" data-testid="milestones">
          <span className="muted">{t('workshop.milestones')}</span>
          {milestones.map((m) => (
            <span key={m.id} className="tag" title={m.note}>
              ✓ {m.skill} · {m.reachedOn}
            </span>
          ))}
        </div>
      )}
    </>
  );
}

function MilestoneForm({ a }: { a: Apprentice }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const record = useMutation({
    mutationFn: (body: Record<string, unknown>) => api(`/people/apprenticeships/${a.id}/milestones`, { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  return (
    <form
      className="form"
      aria-label={t('workshop.milestoneFor', { name: a.name })}
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const f = new FormData(form);
        record.mutate({ skill: String(f.get('skill')), reachedOn: String(f.get('reachedOn')) }, { onSuccess: () => form.reset() });
      }}
    >
      <div className="iv-pair">
        <label>
          {t('workshop.milestoneSkill')}
          <input name="skill" required maxLength={80} />
        </label>
        <label>
          {t('workshop.milestoneOn')}
          <input name="reachedOn" type="date" defaultValue={today()} max={today()} required />
        </label>
      </div>
      <PeopleError error={record.error} />
      <button type="submit" disabled={record.isPending}>
        {t('workshop.milestoneSubmit')}
      </button>
    </form>
  );
}

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
      <Progress sessions={a.sessions} milestones={a.milestones} canEdit />
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
      {(a.status === 'active' || a.status === 'completed') && <MilestoneForm a={a} />}
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
      {w && <MasterWorkshops artisanId={w.id} />}
    </div>
  );
}

/** An apprentice follows their own apprenticeship: sessions with photos, the skills the master attested. */
export function ApprenticeshipPage() {
  const { t } = useTranslation('people');
  const { t: tc } = useTranslation();
  const { id } = useParams();
  const q = useQuery({ queryKey: ['people', 'apprenticeship', id], queryFn: () => api<Reply<'apprenticeshipProgress'>>(`/people/apprenticeships/${id}`) });
  return (
    <div className="stack people">
      <p>
        <Link to="/people">← {t('crafts.title')}</Link>
      </p>
      <PeopleError error={q.error} />
      {!q.data && !q.error && <p>{tc('common.loading')}</p>}
      {q.data && (
        <section className="card" aria-labelledby="people-progress">
          <h2 id="people-progress">{t('mine.apprenticeships')}</h2>
          <div className="row wrap">
            <span className="tag">{t(`crafts.apprenticeStatus.${q.data.status}`)}</span>
            <span className="muted">{t('workshop.hours', { hours: (q.data.minutes / 60).toFixed(1) })}</span>
          </div>
          <Progress sessions={q.data.sessions} milestones={q.data.milestones} canEdit={false} />
        </section>
      )}
    </div>
  );
}
