import { FileField } from '../../components/FileField.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, upload, type Reply, type RequestBody } from '../../api.ts';
import { useMe, SignInRedirect } from '../../auth.tsx';
import { OccupancyRevenueChart } from './Charts.tsx';
import { addDays, hotelToday, innPhotoUrl, yuan, type InnDetail, type RoomView } from './shared.ts';
import { NameEnField } from '../../components/NameEnField.tsx';
import { useName } from '../../names.ts';

type Calendar = Reply<'hostCalendar'>;
type HostBooking = Calendar['bookings'][number];
type HostRoom = Calendar['rooms'][number];

const DAYS = 14;

/** The weekday and (optional) weekend prices of a form, in yuan on screen and fen on the wire. */
function pricesOf(f: FormData) {
  const weekend = String(f.get('weekend') ?? '');
  return { nightlyFen: Math.round(Number(f.get('nightly')) * 100), weekendFen: weekend ? Math.round(Number(weekend) * 100) : null };
}

function PriceInputs({ nightlyFen, weekendFen }: { nightlyFen?: number; weekendFen?: number | null } = {}) {
  const { t } = useTranslation('inns');
  return (
    <div className="row">
      <label>
        {t('host.nightly')}
        <input name="nightly" type="number" min={1} step="0.01" required defaultValue={nightlyFen ? nightlyFen / 100 : undefined} />
      </label>
      <label>
        {t('host.weekend')}
        <input name="weekend" type="number" min={1} step="0.01" defaultValue={weekendFen ? weekendFen / 100 : undefined} />
      </label>
    </div>
  );
}

const ROOM_TYPES = ['single', 'double', 'twin', 'family', 'suite', 'dorm'] as const;

/** Name, type, capacity, beds and prices of a room, prefilled when editing one. */
function RoomFields({ room }: { room?: RoomView }) {
  const { t } = useTranslation('inns');
  return (
    <>
      <label>
        {t('host.name')}
        <input name="name" required maxLength={60} defaultValue={room?.name} />
      </label>
      <NameEnField maxLength={80} defaultValue={room?.nameEn ?? ''} />
      <label>
        {t('host.type')}
        <select name="type" defaultValue={room?.type ?? 'double'}>
          {ROOM_TYPES.map((x) => (
            <option key={x} value={x}>
              {t(`room.types.${x}`)}
            </option>
          ))}
        </select>
      </label>
      <div className="row">
        <label>
          {t('host.capacity')}
          <input name="capacity" type="number" min={1} max={50} defaultValue={room?.capacity ?? 2} required />
        </label>
        <label>
          {t('host.beds')}
          <input name="beds" maxLength={120} defaultValue={room?.beds ?? ''} />
        </label>
      </div>
      <PriceInputs nightlyFen={room?.nightlyFen} weekendFen={room?.weekendFen} />
    </>
  );
}

const roomOf = (f: FormData) => ({
  name: String(f.get('name')).trim(),
  nameEn: String(f.get('nameEn') ?? '').trim() || null,
  type: String(f.get('type')),
  capacity: Number(f.get('capacity')),
  beds: String(f.get('beds') ?? ''),
  ...pricesOf(f),
});

type Rate = Reply<'listRates'>[number];

function EditRoom({ room, innId }: { room: RoomView; innId: string }) {
  const { t } = useTranslation('inns');
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (body: unknown) => api(`/inns/rooms/${room.id}`, { method: 'PATCH', body }),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: ['inns', 'host', innId] }), client.invalidateQueries({ queryKey: ['inn', innId] })]),
  });
  return (
    <form
      className="form"
      aria-label={t('host.editRoom')}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(roomOf(new FormData(e.currentTarget)));
      }}
    >
      <strong>{t('host.editRoom')}</strong>
      <RoomFields room={room} />
      <ErrorText ns="inns" error={save.error} />
      {save.isSuccess && <p className="notice">{t('host.saved')}</p>}
      <button type="submit" className="primary">
        {t('host.save')}
      </button>
    </form>
  );
}

function Rates({ roomId }: { roomId: string }) {
  const { t } = useTranslation('inns');
  const client = useQueryClient();
  const rates = useQuery({ queryKey: ['inns', 'rates', roomId], queryFn: () => api<Rate[]>(`/inns/rooms/${roomId}/rates`) });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/inns/rates/${id}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inns', 'rates', roomId] }),
  });
  if (!rates.data) return null;
  return (
    <div>
      <strong>{t('host.rates')}</strong>
      {rates.data.length === 0 && <p className="hint">{t('host.noRates')}</p>}
      <ul className="rate-list">
        {rates.data.map((r) => (
          <li key={r.id} data-testid="seasonal-rate">
            <span>
              {r.name || t('host.season')} · {r.startDate} → {r.endDate} · {yuan(r.nightlyFen)}
              {r.weekendFen ? ` / ${yuan(r.weekendFen)}` : ''}
            </span>
            <button type="button" onClick={() => remove.mutate(r.id)} aria-label={t('host.removeRate', { name: r.name || `${r.startDate} → ${r.endDate}` })}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <ErrorText ns="inns" error={remove.error} />
    </div>
  );
}

function RoomTools({ room, innId }: { room: HostRoom; innId: string }) {
  const { t } = useTranslation('inns');
  const name = useName();
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['inns', 'host', innId] });
  const today = hotelToday();
  const close = useMutation({
    mutationFn: (input: { checkIn: string; checkOut: string }) => api(`/inns/rooms/${room.id}/closures`, { method: 'POST', body: input }),
    onSuccess: refresh,
  });
  const importIcs = useMutation({
    mutationFn: (ics: string) => api<Reply<'importRoomCalendar'>>(`/inns/rooms/${room.id}/ical-import`, { method: 'POST', body: { ics } }),
    onSuccess: refresh,
  });
  const addRate = useMutation({
    mutationFn: (body: unknown) => api(`/inns/rooms/${room.id}/rates`, { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inns', 'rates', room.id] }),
  });
  const url = `${window.location.origin}/api/v1/inns/ical/${room.icalToken}.ics`;
  return (
    <details className="room-tools" data-testid="room-tools" data-room={room.name}>
      <summary>
        {name(room)} · {t(`room.types.${room.type}`)} · {yuan(room.nightlyFen)}
        {room.weekendFen ? ` / ${yuan(room.weekendFen)}` : ''}
      </summary>
      <EditRoom key={`${room.name}|${room.nameEn}|${room.type}|${room.capacity}|${room.beds}|${room.nightlyFen}|${room.weekendFen}`} room={room} innId={innId} />
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
        <ErrorText ns="inns" error={close.error} />
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
        <ErrorText ns="inns" error={addRate.error} />
        {addRate.isSuccess && <p className="notice">{t('host.saved')}</p>}
        <button type="submit">{t('host.save')}</button>
      </form>
      <Rates roomId={room.id} />
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
        <ErrorText ns="inns" error={importIcs.error} />
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
  return (
    <details>
      <summary>{t('host.addRoom')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate(roomOf(new FormData(e.currentTarget)));
        }}
      >
        <RoomFields />
        <ErrorText ns="inns" error={add.error} />
        <button type="submit" className="primary">
          {t('host.save')}
        </button>
      </form>
    </details>
  );
}

/** The inn's photos: upload (of the inn or one room) and remove. */
function Photos({ innId, rooms }: { innId: string; rooms: RoomView[] }) {
  const { t } = useTranslation('inns');
  const name = useName();
  const client = useQueryClient();
  const { data: me } = useMe();
  const [file, setFile] = useState<File | null>(null);
  const [formKey, setFormKey] = useState(0);
  const inn = useQuery({ queryKey: ['inn', innId], queryFn: () => api<InnDetail>(`/inns/${innId}`) });
  const refresh = () => client.invalidateQueries({ queryKey: ['inn', innId] });
  const send = useMutation({
    mutationFn: (fields: { caption: string; roomId: string }) => upload(`/inns/${innId}/photos`, file!, fields),
    onSuccess: () => {
      setFile(null);
      setFormKey((k) => k + 1);
      return refresh();
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => api(`/inns/photos/${id}`, { method: 'DELETE' }), onSuccess: refresh });
  const gallery = inn.data?.gallery ?? [];
  return (
    <section className="card">
      <h2>{t('host.photos')}</h2>
      {inn.data && gallery.length === 0 && <p className="hint">{t('host.noPhotos')}</p>}
      <ul className="inn-gallery host-gallery">
        {gallery.map((p) => (
          <li key={p.id} data-testid="host-photo">
            <img src={innPhotoUrl(p.id)} alt={p.caption || inn.data?.name || ''} loading="lazy" />
            <span className="hint">{p.caption || (p.roomId ? rooms.find((r) => r.id === p.roomId)?.name : '')}</span>
            <button type="button" onClick={() => remove.mutate(p.id)} aria-label={t('host.removePhoto', { caption: p.caption })}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <ErrorText ns="inns" error={remove.error} />
      <form
        key={formKey}
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          if (file) send.mutate({ caption: String(f.get('caption') ?? ''), roomId: String(f.get('roomId') ?? '') });
        }}
      >
        <label>
          {t('host.photoFile')}
          <FileField kind="photo" required onFile={setFile} />
        </label>
        <label>
          {t('host.photoCaption')}
          <input name="caption" maxLength={200} />
        </label>
        <label>
          {t('host.photoRoom')}
          <select name="roomId" defaultValue="">
            <option value="">{t('host.photoWholeInn')}</option>
            {rooms.map((r) => (
              <option key={r.id} value={r.id}>
                {name(r)}
              </option>
            ))}
          </select>
        </label>
        <ErrorText ns="inns" error={send.error} />
        {send.isSuccess && <p className="notice">{t('host.uploaded')}</p>}
        <button type="submit" className="primary" disabled={!file || send.isPending}>
          {t('host.upload')}
        </button>
      </form>
    </section>
  );
}

/** The form an innkeeper of an inn organization without an inn sees instead of an empty page. */
function OpenInn({ orgs }: { orgs: { id: string; name: string; nameEn: string | null; namePinyin: string }[] }) {
  const { t } = useTranslation('inns');
  const name = useName();
  const client = useQueryClient();
  const open = useMutation({
    mutationFn: (body: unknown) => api<Reply<'createInn'>>('/inns', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inns', 'host', 'mine'] }),
  });
  return (
    <section className="card">
      <h1>{t('host.openTitle')}</h1>
      <p className="hint">{t('host.openIntro')}</p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const name = String(f.get('name')).trim();
          const nameEn = String(f.get('nameEn')).trim();
          open.mutate({
            orgId: String(f.get('orgId')),
            ...(name ? { name } : {}),
            ...(nameEn ? { nameEn } : {}),
            storyBefore: String(f.get('storyBefore')),
            storyAfter: String(f.get('storyAfter')),
            houseRules: String(f.get('houseRules')),
            address: String(f.get('address')),
          });
        }}
      >
        <label>
          {t('host.openOrg')}
          <select name="orgId" defaultValue={orgs[0].id}>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {name(o)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('host.name')}
          <input name="name" maxLength={120} placeholder={orgs[0].name} />
        </label>
        <label>
          {t('host.nameEn')}
          <input name="nameEn" lang="en" maxLength={120} />
        </label>
        <label>
          {t('inn.storyBefore')}
          <textarea name="storyBefore" rows={3} />
        </label>
        <label>
          {t('inn.storyAfter')}
          <textarea name="storyAfter" rows={3} />
        </label>
        <label>
          {t('inn.rules')}
          <textarea name="houseRules" rows={3} />
        </label>
        <label>
          {t('inn.address')}
          <input name="address" maxLength={300} />
        </label>
        <ErrorText ns="inns" error={open.error} />
        <button type="submit" className="primary" disabled={open.isPending}>
          {t('host.openSubmit')}
        </button>
      </form>
    </section>
  );
}

type InnProfile = Reply<'getInn'>;

function EditInn({ innId }: { innId: string }) {
  const { t } = useTranslation('inns');
  const client = useQueryClient();
  const inn = useQuery({ queryKey: ['inn', innId], queryFn: () => api<InnProfile>(`/inns/${innId}`) });
  const save = useMutation({
    mutationFn: (body: RequestBody<'updateInn'>) => api(`/inns/${innId}`, { method: 'PATCH', body }),
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
          const name = String(f.get('name')).trim();
          save.mutate({
            ...(name ? { name } : {}),
            nameEn: String(f.get('nameEn')).trim() || null,
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
          {t('host.name')}
          <input name="name" maxLength={120} defaultValue={d.name} />
        </label>
        <label>
          {t('host.nameEn')}
          <input name="nameEn" lang="en" maxLength={120} defaultValue={d.nameEn ?? ''} />
        </label>
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
        <ErrorText ns="inns" error={save.error} />
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
  const name = useName();
  const { t: tc } = useTranslation();
  const client = useQueryClient();
  const [offset, setOffset] = useState(0);
  const today = hotelToday();
  const from = addDays(today, offset * DAYS);
  const to = addDays(from, DAYS);
  const year = Number(today.slice(0, 4));
  const cal = useQuery({ queryKey: ['inns', 'host', innId, from], queryFn: () => api<Calendar>(`/inns/${innId}/calendar`, { query: { from, to } }) });
  const stats = useQuery({ queryKey: ['inns', 'host', innId, 'stats', year], queryFn: () => api<Reply<'hostStats'>>(`/inns/${innId}/stats`, { query: { year } }) });
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
  if (cal.error) return <ErrorText ns="inns" error={cal.error} />;
  const c = cal.data;
  const visible = c.bookings.filter((b) => b.status !== 'cancelled');
  const at = (roomId: string, day: string) => visible.find((b) => b.roomId === roomId && b.checkIn <= day && day < b.checkOut);
  const roomName = (roomId: string) => {
    const r = c.rooms.find((x) => x.id === roomId);
    return r ? name(r) : '';
  };

  return (
    <>
      <section className="card">
        <h1>{name(c.inn)}</h1>
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
                  <th scope="row">{name(r)}</th>
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
        <ErrorText ns="inns" error={act.error ?? reopen.error} />
        {visible.length === 0 && <p className="hint">{t('host.noBookings')}</p>}
        <ul className="booking-list">
          {visible.map((b) => (
            <li key={b.id} className="booking" data-testid="host-booking">
              <div>
                <strong>{roomName(b.roomId)}</strong> · {b.guestName ?? t('host.blocked')}
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

      <Photos innId={innId} rooms={c.rooms} />
    </>
  );
}

export function HostPage() {
  const { t } = useTranslation('inns');
  const name = useName();
  const { t: tc } = useTranslation();
  const { data: me, isPending } = useMe();
  const mine = useQuery({ queryKey: ['inns', 'host', 'mine'], queryFn: () => api<Reply<'myInns'>>('/inns/mine'), enabled: !!me });
  const keeperOrgs = useMemo(() => new Set((me?.grants ?? []).filter((g) => g.role === 'innkeeper' && g.orgId).map((g) => g.orgId!)), [me]);
  const innOrgs = useQuery({
    queryKey: ['inns', 'host', 'orgs'],
    queryFn: () => api<Reply<'listOrganizations'>>('/organizations', { query: { kind: 'inn' } }),
    enabled: !!me && keeperOrgs.size > 0 && mine.data?.length === 0,
  });
  const [chosen, setChosen] = useState<string | null>(null);
  if (isPending) return <p>{tc('common.loading')}</p>;
  if (!me) return <SignInRedirect />;
  if (mine.isPending) return <p>{tc('common.loading')}</p>;
  if (mine.error) return <ErrorText ns="inns" error={mine.error} />;
  if (mine.data.length === 0) {
    const orgs = (innOrgs.data ?? []).filter((o) => keeperOrgs.has(o.id));
    if (keeperOrgs.size > 0 && innOrgs.isPending) return <p>{tc('common.loading')}</p>;
    if (orgs.length > 0)
      return (
        <div className="stack inns">
          <OpenInn orgs={orgs} />
        </div>
      );
    return <p className="card">{t('host.none')}</p>;
  }
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
              {name(i)}
            </option>
          ))}
        </select>
      )}
      <InnHost innId={innId} />
    </div>
  );
}
