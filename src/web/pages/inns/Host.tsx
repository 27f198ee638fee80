import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { api } from '../../api.ts';
import { useMe } from '../../auth.tsx';
import { InnsError } from './InnsError.tsx';
import { OccupancyRevenueChart, type MonthStat } from './Charts.tsx';
import { addDays, hotelToday, yuan, type RoomView, type Status } from './shared.ts';

interface HostBooking {
  id: string;
  roomId: string;
  checkIn: string;
  checkOut: string;
  status: Status;
  blockSource: string | null;
  guests: number;
  amountFen: number;
  refundFen: number;
  note: string;
  guestName: string | null;
}
interface Calendar {
  inn: { id: string; name: string };
  today: string;
  rooms: RoomView[];
  bookings: HostBooking[];
}

const DAYS = 14;

/** The weekday and (optional) weekend prices of a form, in yuan on screen and fen on the wire. */
function pricesOf(f: FormData) {
  const weekend = String(f.get('weekend') ?? '');
  return { nightlyFen: Math.round(Number(f.get('nightly')) * 100), weekendFen: weekend ? Math.round(Number(weekend) * 100) : null };
}

function PriceInputs() {
  const { t } = useTranslation('inns');
  return (
    <div className="row">
      <label>
        {t('host.nightly')}
        <input name="nightly" type="number" min={1} step="0.01" required />
      </label>
      <label>
        {t('host.weekend')}
        <input name="weekend" type="number" min={1} step="0.01" />
      </label>
    </div>
  );
}

function RoomTools({ room, innId }: { room: RoomView; innId: string }) {
  const { t } = useTranslation('inns');
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['inns', 'host', innId] });
  const today = hotelToday();
  const close = useMutation({
    mutationFn: (input: { checkIn: string; checkOut: string }) => api(`/inns/rooms/${room.id}/closures`, { method: 'POST', body: input }),
    onSuccess: refresh,
  });
  const importIcs = useMutation({
    mutationFn: (ics: string) => api<{ imported: number; conflicts: unknown[] }>(`/inns/rooms/${room.id}/ical-import`, { method: 'POST', body: { ics } }),
    onSuccess: refresh,
  });
  const addRate = useMutation({
    mutationFn: (body: unknown) => api(`/inns/rooms/${room.id}/rates`, { method: 'POST', body }),
  });
  const url = `${window.location.origin}/api/v1/inns/ical/${room.icalToken}.ics`;
  return (
    <details className="room-tools">
      <summary>
        {room.name} · {t(`room.types.${room.type}`)} · {yuan(room.nightlyFen)}
        {room.weekendFen ? ` / ${yuan(room.weekendFen)}` : ''}
      </summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          close.mutate({ checkIn: String(f.get('from')), checkOut: String(f.get('to')) });
        }}
      >
        <strong>{t('host.close')}</strong>
        <div className="row">
          <label>
            {t('host.closeFrom')}
            <input type="date" name="from" defaultValue={today} required />
          </label>
          <label>
            {t('host.closeTo')}
            <input type="date" name="to" defaultValue={addDays(today, 1)} required />
          </label>
        </div>
        <InnsError error={close.error} />
        <button type="submit">{t('host.close')}</button>
      </form>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          addRate.mutate({ name: String(f.get('name')), startDate: String(f.get('from')), endDate: String(f.get('to')), ...pricesOf(f) });
        }}
      >
        <strong>{t('host.season')}</strong>
        <label>
          {t('host.seasonName')}
          <input name="name" maxLength={60} />
        </label>
        <div className="row">
          <label>
            {t('host.closeFrom')}
            <input type="date" name="from" required />
          </label>
          <label>
            {t('host.closeTo')}
            <input type="date" name="to" required />
          </label>
        </div>
        <PriceInputs />
        <InnsError error={addRate.error} />
        {addRate.isSuccess && <p className="notice">{t('host.saved')}</p>}
        <button type="submit">{t('host.save')}</button>
      </form>
      <h3>{t('host.ical')}</h3>
      <label>
        {t('host.icalExport')}
        <input readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          importIcs.mutate(String(new FormData(e.currentTarget).get('ics')));
        }}
      >
        <label>
          {t('host.icalImport')}
          <textarea name="ics" rows={3} required placeholder="BEGIN:VCALENDAR…" />
        </label>
        <InnsError error={importIcs.error} />
        {importIcs.data && <p className="notice">{t('host.imported', { imported: importIcs.data.imported, conflicts: importIcs.data.conflicts.length })}</p>}
        <button type="submit">{t('host.import')}</button>
      </form>
    </details>
  );
}

function AddRoom({ innId }: { innId: string }) {
  const { t } = useTranslation('inns');
  const client = useQueryClient();
  const add = useMutation({
    mutationFn: (body: unknown) => api(`/inns/${innId}/rooms`, { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inns', 'host', innId] }),
  });
  const types = ['single', 'double', 'twin', 'family', 'suite', 'dorm'] as const;
  return (
    <details>
      <summary>{t('host.addRoom')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          add.mutate({ name: String(f.get('name')), type: String(f.get('type')), capacity: Number(f.get('capacity')), ...pricesOf(f) });
        }}
      >
        <label>
          {t('host.name')}
          <input name="name" required maxLength={60} />
        </label>
        <label>
          {t('host.type')}
          <select name="type">
            {types.map((x) => (
              <option key={x} value={x}>
                {t(`room.types.${x}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('host.capacity')}
          <input name="capacity" type="number" min={1} max={50} defaultValue={2} required />
        </label>
        <PriceInputs />
        <InnsError error={add.error} />
        <button type="submit" className="primary">
          {t('host.save')}
        </button>
      </form>
    </details>
  );
}

interface InnProfile {
  storyBefore: string;
  storyAfter: string;
  houseRules: string;
  address: string;
  fullRefundDays: number;
  partialRefundDays: number;
  partialRefundPercent: number;
  holdMinutes: number;
}

function EditInn({ innId }: { innId: string }) {
  const { t } = useTranslation('inns');
  const client = useQueryClient();
  const inn = useQuery({ queryKey: ['inn', innId], queryFn: () => api<InnProfile>(`/inns/${innId}`) });
  const save = useMutation({
    mutationFn: (body: Partial<InnProfile>) => api(`/inns/${innId}`, { method: 'PATCH', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inn', innId] }),
  });
  if (!inn.data) return null;
  const d = inn.data;
  const num = (f: FormData, k: string) => Number(f.get(k));
  return (
    <details>
      <summary>{t('host.profile')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          save.mutate({
            storyBefore: String(f.get('storyBefore')),
            storyAfter: String(f.get('storyAfter')),
            houseRules: String(f.get('houseRules')),
            address: String(f.get('address')),
            fullRefundDays: num(f, 'fullRefundDays'),
            partialRefundDays: num(f, 'partialRefundDays'),
            partialRefundPercent: num(f, 'partialRefundPercent'),
            holdMinutes: num(f, 'holdMinutes'),
          });
        }}
      >
        <label>
          {t('inn.storyBefore')}
          <textarea name="storyBefore" rows={3} defaultValue={d.storyBefore} />
        </label>
        <label>
          {t('inn.storyAfter')}
          <textarea name="storyAfter" rows={3} defaultValue={d.storyAfter} />
        </label>
        <label>
          {t('inn.rules')}
          <textarea name="houseRules" rows={3} defaultValue={d.houseRules} />
        </label>
        <label>
          {t('inn.address')}
          <input name="address" defaultValue={d.address} />
        </label>
        <div className="row">
          <label>
            {t('host.fullRefundDays')}
            <input name="fullRefundDays" type="number" min={0} max={365} defaultValue={d.fullRefundDays} />
          </label>
          <label>
            {t('host.partialRefundDays')}
            <input name="partialRefundDays" type="number" min={0} max={365} defaultValue={d.partialRefundDays} />
          </label>
        </div>
        <div className="row">
          <label>
            {t('host.partialRefundPercent')}
            <input name="partialRefundPercent" type="number" min={0} max={100} defaultValue={d.partialRefundPercent} />
          </label>
          <label>
            {t('host.holdMinutes')}
            <input name="holdMinutes" type="number" min={1} max={1440} defaultValue={d.holdMinutes} />
          </label>
        </div>
        <InnsError error={save.error} />
        {save.isSuccess && <p className="notice">{t('host.saved')}</p>}
        <button type="submit" className="primary">
          {t('host.save')}
        </button>
      </form>
    </details>
  );
}

function InnHost({ innId }: { innId: string }) {
  const { t } = useTranslation('inns');
  const { t: tc } = useTranslation();
  const client = useQueryClient();
  const [offset, setOffset] = useState(0);
  const today = hotelToday();
  const from = addDays(today, offset * DAYS);
  const to = addDays(from, DAYS);
  const year = Number(today.slice(0, 4));
  const cal = useQuery({ queryKey: ['inns', 'host', innId, from], queryFn: () => api<Calendar>(`/inns/${innId}/calendar`, { query: { from, to } }) });
  const stats = useQuery({ queryKey: ['inns', 'host', innId, 'stats', year], queryFn: () => api<{ months: MonthStat[] }>(`/inns/${innId}/stats`, { query: { year } }) });
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'check-in' | 'check-out' | 'cancel' }) => api(`/inns/bookings/${id}/${action}`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inns', 'host', innId] }),
  });
  const reopen = useMutation({
    mutationFn: (id: string) => api(`/inns/blocks/${id}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inns', 'host', innId] }),
  });
  const days = useMemo(() => Array.from({ length: DAYS }, (_, i) => addDays(from, i)), [from]);
  const labels = useMemo(() => ({ occupancy: t('host.occupancy'), revenue: t('host.revenue') }), [t]);
  if (cal.isPending) return <p>{tc('common.loading')}</p>;
  if (cal.error) return <InnsError error={cal.error} />;
  const c = cal.data;
  const visible = c.bookings.filter((b) => b.status !== 'cancelled');
  const at = (roomId: string, day: string) => visible.find((b) => b.roomId === roomId && b.checkIn <= day && day < b.checkOut);

  return (
    <>
      <section className="card">
        <h1>{c.inn.name}</h1>
        <h2>{t('host.calendar')}</h2>
        <div className="row">
          <button type="button" onClick={() => setOffset(offset - 1)} aria-label={t('host.prev')}>
            ←
          </button>
          <span>
            {from} → {addDays(to, -1)}
          </span>
          <button type="button" onClick={() => setOffset(offset + 1)} aria-label={t('host.next')}>
            →
          </button>
        </div>
        <div className="host-calendar-wrap">
          <table className="host-calendar" data-testid="host-calendar">
            <thead>
              <tr>
                <th />
                {days.map((d) => (
                  <th key={d} className={d === c.today ? 'today' : ''}>
                    {d.slice(5)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {c.rooms.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{r.name}</th>
                  {days.map((d) => {
                    const b = at(r.id, d);
                    return (
                      <td key={d} className={b ? `cell status-${b.status}` : 'cell'} title={b ? `${b.guestName ?? t('host.blocked')} · ${t(`status.${b.status}`)}` : ''}>
                        {b && b.checkIn === d ? (b.guestName ?? t('host.blocked')).slice(0, 2) : ''}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card">
        <h2>{t('host.bookings')}</h2>
        <InnsError error={act.error ?? reopen.error} />
        {visible.length === 0 && <p className="hint">{t('host.noBookings')}</p>}
        <ul className="booking-list">
          {visible.map((b) => (
            <li key={b.id} className="booking" data-testid="host-booking">
              <div>
                <strong>{c.rooms.find((r) => r.id === b.roomId)?.name}</strong> · {b.guestName ?? t('host.blocked')}
                <div>
                  {b.checkIn} → {b.checkOut} · <span className={`tag status-${b.status}`}>{t(`status.${b.status}`)}</span>
                  {b.amountFen > 0 && <> · {yuan(b.amountFen)}</>}
                </div>
                {b.note && <div className="hint">{b.note}</div>}
              </div>
              <div className="row wrap">
                {b.status === 'confirmed' && c.today >= b.checkIn && c.today < b.checkOut && (
                  <button type="button" className="primary" onClick={() => act.mutate({ id: b.id, action: 'check-in' })}>
                    {t('host.checkIn')}
                  </button>
                )}
                {b.status === 'checked_in' && (
                  <button type="button" className="primary" onClick={() => act.mutate({ id: b.id, action: 'check-out' })}>
                    {t('host.checkOut')}
                  </button>
                )}
                {b.status === 'confirmed' && (
                  <button type="button" onClick={() => act.mutate({ id: b.id, action: 'cancel' })}>
                    {t('host.cancel')}
                  </button>
                )}
                {b.status === 'blocked' && (
                  <button type="button" onClick={() => reopen.mutate(b.id)}>
                    {t('host.reopen')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      </section>

      <section className="card">
        <h2>
          {t('host.charts')} · {year}
        </h2>
        {stats.data && <OccupancyRevenueChart months={stats.data.months} labels={labels} />}
      </section>

      <section className="card">
        <h2>{t('host.rooms')}</h2>
        {c.rooms.map((r) => (
          <RoomTools key={r.id} room={r} innId={innId} />
        ))}
        <AddRoom innId={innId} />
        <EditInn innId={innId} />
      </section>
    </>
  );
}

export function HostPage() {
  const { t } = useTranslation('inns');
  const { t: tc } = useTranslation();
  const { data: me, isPending } = useMe();
  const mine = useQuery({ queryKey: ['inns', 'host', 'mine'], queryFn: () => api<{ id: string; name: string }[]>('/inns/mine'), enabled: !!me });
  const [chosen, setChosen] = useState<string | null>(null);
  if (isPending) return <p>{tc('common.loading')}</p>;
  if (!me) return <Navigate to="/login" replace />;
  if (mine.isPending) return <p>{tc('common.loading')}</p>;
  if (mine.error) return <InnsError error={mine.error} />;
  if (mine.data.length === 0) return <p className="card">{t('host.none')}</p>;
  const innId = chosen ?? mine.data[0].id;
  return (
    <div className="stack inns">
      <p>
        <Link to="/inns">← {t('inn.back')}</Link>
      </p>
      {mine.data.length > 1 && (
        <select value={innId} onChange={(e) => setChosen(e.target.value)} aria-label={t('host.title')}>
          {mine.data.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name}
            </option>
          ))}
        </select>
      )}
      <InnHost innId={innId} />
    </div>
  );
}
