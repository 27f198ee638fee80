import { ErrorText } from '../../components/ErrorText.tsx';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, type CountyTree } from '../../api.ts';
import { hasRole, useMe } from '../../auth.tsx';
import { useUnitName } from '../County.tsx';
import { addDays, hotelToday, innPhotoUrl, yuan, type InnSummary, type SearchResult } from './shared.ts';
import { useBook } from './useBook.ts';

export function SearchPage() {
  const { t } = useTranslation('inns');
  const { t: tc } = useTranslation();
  const name = useUnitName();
  const { data: me } = useMe();
  const [params, setParams] = useSearchParams();
  const today = hotelToday();
  const unitId = params.get('village') ?? '';
  const checkIn = params.get('checkIn') ?? addDays(today, 1);
  const checkOut = params.get('checkOut') ?? addDays(checkIn, 1);
  const guests = Number(params.get('guests') ?? 2);
  const searched = params.has('checkIn');

  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county') });
  const all = useQuery({ queryKey: ['inns', 'list'], queryFn: () => api<InnSummary[]>('/inns') });
  const results = useQuery({
    queryKey: ['inns', 'search', unitId, checkIn, checkOut, guests],
    queryFn: () => api<SearchResult>('/inns/search', { query: { unitId: unitId || undefined, checkIn, checkOut, guests } }),
    enabled: searched,
  });
  const book = useBook();
  const villages = (county.data?.townships ?? []).flatMap((x) => x.villages).filter((v) => all.data?.some((i) => i.unitId === v.id));
  const villageName = (id: string) => {
    const v = villages.find((x) => x.id === id);
    return v ? name(v) : '';
  };

  return (
    <div className="stack inns">
      <section className="card hero">
        <h1>{t('title')}</h1>
        <p className="hint">{t('intro')}</p>
        {(hasRole(me, 'innkeeper', 'county_admin', 'town_official')) && (
          <p>
            <Link to="/inns/host">{t('host.hostLink')}</Link>
          </p>
        )}
        {me && (
          <p>
            <Link to="/inns/bookings">{t('mine.title')}</Link>
          </p>
        )}
        <form
          className="form inn-search"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const next = new URLSearchParams();
            if (f.get('village')) next.set('village', String(f.get('village')));
            next.set('checkIn', String(f.get('checkIn')));
            next.set('checkOut', String(f.get('checkOut')));
            next.set('guests', String(f.get('guests')));
            setParams(next);
          }}
        >
          <label>
            {t('search.village')}
            <select name="village" defaultValue={unitId}>
              <option value="">{t('search.anyVillage')}</option>
              {villages.map((v) => (
                <option key={v.id} value={v.id}>
                  {name(v)}
                </option>
              ))}
            </select>
          </label>
          <div className="row">
            <label>
              {t('search.checkIn')}
              <input type="date" name="checkIn" min={today} defaultValue={checkIn} required />
            </label>
            <label>
              {t('search.checkOut')}
              <input type="date" name="checkOut" min={addDays(today, 1)} defaultValue={checkOut} required />
            </label>
          </div>
          <label>
            {t('search.guests')}
            <input type="number" name="guests" min={1} max={20} defaultValue={guests} required />
          </label>
          <button type="submit" className="primary">
            {t('search.submit')}
          </button>
        </form>
      </section>

      {searched && results.isPending && <p>{tc('common.loading')}</p>}
      <ErrorText ns="inns" error={results.error ?? book.error} />
      {results.data && (
        <section aria-label={t('search.results', { count: results.data.inns.length })}>
          <p className="hint">
            {t('search.results', { count: results.data.inns.length })} · {t('search.nights', { count: results.data.nights })}
          </p>
          {results.data.inns.length === 0 && <p className="card">{t('search.none')}</p>}
          <ul className="inn-list">
            {results.data.inns.map((inn) => (
              <li key={inn.id} className="card inn-card">
                <h2>
                  <Link to={`/inns/${inn.id}?checkIn=${checkIn}&checkOut=${checkOut}&guests=${guests}`}>{name(inn)}</Link>
                </h2>
                {inn.photoId && <img className="inn-cover" data-testid="inn-cover" src={innPhotoUrl(inn.photoId)} alt={inn.name} loading="lazy" />}
                <p className="muted">{villageName(inn.unitId)}</p>
                <p className="inn-story">{inn.storyAfter}</p>
                <ul className="room-list">
                  {inn.rooms.map((r) => (
                    <li key={r.id} className="room" data-testid="room-result">
                      <div>
                        <strong>{r.name}</strong> <span className="tag">{t(`room.types.${r.type}`)}</span>
                        <div className="hint">
                          {t('room.capacity', { count: r.capacity })} · {r.beds}
                        </div>
                      </div>
                      <div className="room-buy">
                        <span className="price">{t('room.total', { price: yuan(r.totalFen ?? 0) })}</span>
                        <button
                          type="button"
                          className="primary"
                          disabled={book.isPending}
                          onClick={() => book.mutate({ roomId: r.id, checkIn, checkOut, guests })}
                          aria-label={`${t('room.book')} ${r.name}`}
                        >
                          {book.isPending ? t('room.booking') : t('room.book')}
                        </button>
                      </div>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </section>
      )}

      {!searched && all.data && (
        <ul className="inn-list">
          {all.data.map((inn) => (
            <li key={inn.id} className="card inn-card">
              <h2>
                <Link to={`/inns/${inn.id}`}>{name(inn)}</Link>
              </h2>
              <p className="muted">
                {villageName(inn.unitId)}
                {inn.rating !== null && <> · {t('inn.rating', { rating: inn.rating.toFixed(1), count: inn.reviewCount })}</>}
              </p>
              {inn.photoId && <img className="inn-cover" src={innPhotoUrl(inn.photoId)} alt={inn.name} loading="lazy" />}
              <p className="inn-story">{inn.storyAfter}</p>
              {inn.fromFen !== null && <p className="price">{t('room.perNight', { price: yuan(inn.fromFen) })}</p>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
