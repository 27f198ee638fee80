import { ErrorText } from '../../components/ErrorText.tsx';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { addDays, hotelToday, innPhotoUrl, yuan, type InnDetail, type RoomView, type SearchResult } from './shared.ts';
import { useBook } from './useBook.ts';
import { useName } from '../../names.ts';

function Availability({ room, from }: { room: RoomView; from: string }) {
  const to = addDays(from, 14);
  const q = useQuery({
    queryKey: ['inns', 'availability', room.id, from],
    queryFn: () => api<Reply<'roomAvailability'>>(`/inns/rooms/${room.id}/availability`, { query: { from, to } }),
  });
  if (!q.data) return null;
  return (
    <ol className="avail" aria-label={room.name}>
      {q.data.nights.map((n) => (
        <li key={n.date} className={n.available ? 'free' : 'taken'} title={`${n.date} ${yuan(n.fen)}`}>
          <span>{n.date.slice(8)}</span>
        </li>
      ))}
    </ol>
  );
}

export function InnPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('inns');
  const innName = useName();
  const { t: tc } = useTranslation();
  const [params, setParams] = useSearchParams();
  const today = hotelToday();
  const checkIn = params.get('checkIn') ?? addDays(today, 1);
  const checkOut = params.get('checkOut') ?? addDays(checkIn, 1);
  const guests = Number(params.get('guests') ?? 1);
  const inn = useQuery({ queryKey: ['inn', id], queryFn: () => api<InnDetail>(`/inns/${id}`) });
  const free = useQuery({
    queryKey: ['inns', 'search', inn.data?.unitId, checkIn, checkOut, guests],
    queryFn: () => api<SearchResult>('/inns/search', { query: { unitId: inn.data!.unitId, checkIn, checkOut, guests } }),
    enabled: !!inn.data,
  });
  const book = useBook();
  if (inn.isPending) return <p>{tc('common.loading')}</p>;
  if (inn.error) return <ErrorText ns="inns" error={inn.error} />;
  const d = inn.data;
  const roomName = (roomId: string | null) => {
    const r = d.rooms.find((x) => x.id === roomId);
    return r ? innName(r) : '';
  };
  const freeRooms = free.data?.inns.find((x) => x.id === id)?.rooms ?? [];

  return (
    <div className="stack inns">
      <p>
        <Link to="/inns">← {t('inn.back')}</Link>
      </p>
      <section className="card">
        <h1>{innName(d)}</h1>
        {d.address && <p className="muted">{d.address}</p>}
        {d.gallery.length > 0 && (
          <ul className="inn-gallery" aria-label={t('inn.photos')}>
            {d.gallery.map((p) => (
              <li key={p.id}>
                <a href={innPhotoUrl(p.id, 'full')} target="_blank" rel="noreferrer">
                  <img data-testid="inn-photo" src={innPhotoUrl(p.id)} alt={p.caption || roomName(p.roomId) || d.name} loading="lazy" />
                </a>
                {(p.caption || p.roomId) && <span className="hint">{p.caption || roomName(p.roomId)}</span>}
              </li>
            ))}
          </ul>
        )}
        <h2>{t('inn.storyBefore')}</h2>
        <p className="description">{d.storyBefore}</p>
        <h2>{t('inn.storyAfter')}</h2>
        <p className="description">{d.storyAfter}</p>
        {d.buildings.length > 0 && (
          <>
            <h2>{t('inn.buildings')}</h2>
            <ul className="houses">
              {d.buildings.map((b) => (
                <li key={b.id} className="house" data-testid="house-record">
                  <Link to={`/atlas/buildings/${b.id}`}>{b.name ?? t('inn.house')}</Link>
                  {b.name && (
                    <div className="hint">
                      {[b.era, b.buildYear ? t('inn.built', { year: b.buildYear }) : null, b.structure, b.materials].filter(Boolean).join(' · ')}
                    </div>
                  )}
                  {b.history && b.history.length > 0 && (
                    <div className="hint">
                      {t('inn.condition')}: {b.history.map((h) => `${h.assessedOn.slice(0, 4)} ${t('inn.grade', { grade: h.grade })}`).join(' → ')}
                    </div>
                  )}
                  {b.notes && <p className="hint">{b.notes}</p>}
                  {b.photos && b.photos.length > 0 && (
                    <div className="house-photos">
                      {b.photos.slice(0, 6).map((p) => (
                        <img key={p.id} src={`/api/v1/atlas/photos/${p.id}?size=thumb`} alt={p.caption ?? b.name ?? ''} loading="lazy" />
                      ))}
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
        <h2>{t('inn.amenities')}</h2>
        <p className="grants">
          {d.amenities.map((a) => (
            <span key={a} className="tag">
              {t(`inn.amenity.${a}`, { defaultValue: a })}
            </span>
          ))}
        </p>
        <h2>{t('inn.rules')}</h2>
        <p className="description">{d.houseRules}</p>
        <h2>{t('inn.policy')}</h2>
        <p>{t('inn.policyText', { full: d.fullRefundDays, partial: d.partialRefundDays, percent: d.partialRefundPercent })}</p>
      </section>

      <section className="card">
        <h2>{t('inn.rooms')}</h2>
        <form
          className="form inn-search"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            setParams({ checkIn: String(f.get('checkIn')), checkOut: String(f.get('checkOut')), guests: String(f.get('guests')) });
          }}
        >
          <div className="row">
            <label>
              {t('search.checkIn')}
              <input type="date" name="checkIn" min={today} defaultValue={checkIn} key={checkIn} required />
            </label>
            <label>
              {t('search.checkOut')}
              <input type="date" name="checkOut" min={addDays(today, 1)} defaultValue={checkOut} key={checkOut} required />
            </label>
          </div>
          <div className="row">
            <label>
              {t('search.guests')}
              <input type="number" name="guests" min={1} max={20} defaultValue={guests} required />
            </label>
            <button type="submit">{t('search.submit')}</button>
          </div>
        </form>
        <p className="hint">
          {checkIn} → {checkOut} · {t('search.nights', { count: Math.round((Date.parse(checkOut) - Date.parse(checkIn)) / 86_400_000) })}
        </p>
        <ErrorText ns="inns" error={free.error ?? book.error} />
        <ul className="room-list">
          {d.rooms.map((r) => {
            const offer = freeRooms.find((x) => x.id === r.id);
            return (
              <li key={r.id} className="room">
                <div>
                  <strong>{innName(r)}</strong> <span className="tag">{t(`room.types.${r.type}`)}</span>
                  <div className="hint">
                    {t('room.capacity', { count: r.capacity })} · {r.beds} · {t('room.perNight', { price: yuan(r.nightlyFen) })}
                  </div>
                  <p className="hint">{r.description}</p>
                  <Availability room={r} from={checkIn} />
                </div>
                {offer && (
                  <div className="room-buy">
                    <span className="price">{t('room.total', { price: yuan(offer.totalFen ?? 0) })}</span>
                    <button type="button" className="primary" disabled={book.isPending} onClick={() => book.mutate({ roomId: r.id, checkIn, checkOut, guests })}>
                      {t('room.book')}
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <section className="card">
        <h2>{t('inn.reviews')}</h2>
        {d.reviews.length === 0 && <p className="hint">{t('inn.noReviews')}</p>}
        <ul className="reviews">
          {d.reviews.map((r) => (
            <li key={r.id}>
              <span className="stars" aria-label={`${r.rating}/5`}>
                {'★'.repeat(r.rating)}
                {'☆'.repeat(5 - r.rating)}
              </span>{' '}
              {r.body}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
