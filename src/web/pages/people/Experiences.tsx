import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Reply } from '../../api.ts';
import { useMe } from '../../auth.tsx';
import { PeopleError } from './PeopleError.tsx';
import { yuan } from './shared.ts';

type Experience = Reply<'upcomingWorkshops'>[number];
type Booking = Reply<'myWorkshopBookings'>[number];

/** "12月8日 09:30" / "Dec 8, 09:30" in the county's time. */
function useWhen() {
  const { i18n } = useTranslation();
  return (iso: string) =>
    new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

function ExperienceHead({ w }: { w: Experience }) {
  const { t } = useTranslation('people');
  const when = useWhen();
  return (
    <>
      <strong className="people-title">{w.title}</strong>
      <div className="row wrap">
        <span className="tag">{w.craft}</span>
        <span>{w.master}</span>
        <span className="muted">
          {when(w.startsAt)} · {t('workshop.minutes', { count: w.minutes })}
        </span>
      </div>
      <div className="row wrap">
        <span>{w.priceFen > 0 ? t('experiences.price', { amount: yuan(w.priceFen) }) : t('experiences.free')}</span>
        {w.seatsLeft > 0 ? <span className="muted">{t('experiences.seatsLeft', { count: w.seatsLeft })}</span> : <span className="tag warn">{t('experiences.full')}</span>}
      </div>
    </>
  );
}

function BookForm({ w, name }: { w: Experience; name: string }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const book = useMutation({
    mutationFn: (body: Record<string, unknown>) => api(`/people/workshops/${w.id}/bookings`, { method: 'POST', body }),
    onSettled: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  return (
    <form
      className="form"
      aria-label={t('experiences.bookFor', { title: w.title })}
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        book.mutate({ seats: Number(f.get('seats')), name: String(f.get('name')) });
      }}
    >
      <div className="iv-pair">
        <label>
          {t('experiences.seats')}
          <input name="seats" type="number" min={1} max={Math.min(20, w.seatsLeft)} defaultValue={1} required />
        </label>
        <label>
          {t('experiences.name')}
          <input name="name" defaultValue={name} required maxLength={60} />
        </label>
      </div>
      <PeopleError error={book.error} />
      <button type="submit" className="primary" disabled={book.isPending}>
        {t('experiences.book')}
      </button>
    </form>
  );
}

/** Workshops visitors may book, and the signed-in visitor's bookings. */
export function Experiences() {
  const { t } = useTranslation('people');
  const { data: me } = useMe();
  const client = useQueryClient();
  const list = useQuery({ queryKey: ['people', 'experiences'], queryFn: () => api<Experience[]>('/people/workshops') });
  const mine = useQuery({ queryKey: ['people', 'bookings'], queryFn: () => api<Booking[]>('/people/workshop-bookings'), enabled: !!me });
  const cancel = useMutation({ mutationFn: (id: string) => api(`/people/workshop-bookings/${id}/cancel`, { method: 'POST' }), onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }) });
  const booked = new Map(mine.data?.filter((b) => b.status === 'booked').map((b) => [b.workshop.id, b]));
  return (
    <section className="card" aria-labelledby="people-experiences">
      <h2 id="people-experiences">{t('experiences.title')}</h2>
      <p className="hint">{t('experiences.hint')}</p>
      <PeopleError error={list.error ?? cancel.error} />
      {list.data?.length === 0 && <p className="hint">{t('experiences.none')}</p>}
      <ul className="people-list">
        {list.data?.map((w) => {
          const mineHere = booked.get(w.id);
          return (
            <li key={w.id} className="people-row" data-testid="experience">
              <ExperienceHead w={w} />
              {w.description && <div className="muted">{w.description}</div>}
              {mineHere ? (
                <div className="row wrap">
                  <span className="notice">{t('experiences.booked', { count: mineHere.seats })}</span>
                  <button type="button" disabled={cancel.isPending} onClick={() => cancel.mutate(mineHere.id)}>
                    {t('experiences.cancel')}
                  </button>
                </div>
              ) : me ? (
                w.seatsLeft > 0 && <BookForm w={w} name={me.displayName} />
              ) : (
                <span className="hint">{t('experiences.signIn')}</span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** A master's workshops with who booked, and the form to open one (the master, or an official). */
export function MasterWorkshops({ artisanId }: { artisanId: string }) {
  const { t } = useTranslation('people');
  const client = useQueryClient();
  const q = useQuery({ queryKey: ['people', 'master-workshops', artisanId], queryFn: () => api<Reply<'masterWorkshops'>>(`/people/artisans/${artisanId}/workshops`) });
  const cancel = useMutation({ mutationFn: (id: string) => api(`/people/workshops/${id}/cancel`, { method: 'POST' }), onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }) });
  const open = useMutation({
    mutationFn: (body: Record<string, unknown>) => api(`/people/artisans/${artisanId}/workshops`, { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['people'] }),
  });
  return (
    <section className="card" aria-labelledby="people-master-workshops">
      <h2 id="people-master-workshops">{t('experiences.mine')}</h2>
      <PeopleError error={q.error ?? cancel.error} />
      <ul className="people-list">
        {q.data?.map((w) => (
          <li key={w.id} className="people-row" data-testid="master-workshop">
            <ExperienceHead w={w} />
            {w.bookings.length > 0 && <div className="muted">{t('experiences.roster', { names: w.bookings.map((b) => `${b.name}×${b.seats}`).join('、') })}</div>}
            {w.status === 'cancelled' ? (
              <span className="tag warn">{t('experiences.cancelled')}</span>
            ) : (
              <button type="button" className="people-withdraw" disabled={cancel.isPending} onClick={() => window.confirm(t('experiences.confirmCancel')) && cancel.mutate(w.id)}>
                {t('experiences.cancelWorkshop')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <form
        className="form"
        aria-label={t('experiences.open')}
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const f = new FormData(form);
          // The time is the county's (UTC+8), whatever the browser's zone.
          open.mutate(
            { title: f.get('title'), description: f.get('description'), startsAt: `${String(f.get('startsAt'))}:00+08:00`, minutes: Number(f.get('minutes')), seats: Number(f.get('seats')), priceFen: Math.round(Number(f.get('price')) * 100) },
            { onSuccess: () => form.reset() },
          );
        }}
      >
        <h3>{t('experiences.open')}</h3>
        <label>
          {t('experiences.titleLabel')}
          <input name="title" required minLength={2} maxLength={120} />
        </label>
        <label>
          {t('experiences.description')}
          <textarea name="description" maxLength={4000} rows={2} />
        </label>
        <div className="iv-pair">
          <label>
            {t('experiences.startsAt')}
            <input name="startsAt" type="datetime-local" required />
          </label>
          <label>
            {t('workshop.minutesLabel')}
            <input name="minutes" type="number" min={15} max={1440} defaultValue={90} required />
          </label>
        </div>
        <div className="iv-pair">
          <label>
            {t('experiences.seatsTotal')}
            <input name="seats" type="number" min={1} max={200} defaultValue={8} required />
          </label>
          <label>
            {t('experiences.priceLabel')}
            <input name="price" type="number" min={0} step={0.01} defaultValue={0} required inputMode="decimal" />
          </label>
        </div>
        <PeopleError error={open.error} />
        <button type="submit" className="primary" disabled={open.isPending}>
          {t('experiences.openSubmit')}
        </button>
      </form>
    </section>
  );
}
