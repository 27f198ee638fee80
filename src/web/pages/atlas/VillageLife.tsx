import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { useName, useTitle } from '../../names.ts';

interface Shop {
  id: string;
  unitId: string;
  name: string;
}
interface Product {
  id: string;
  name: string;
  nameEn: string | null;
  namePinyin: string;
  minPriceFen: number | null;
}
interface Inn {
  id: string;
  name: string;
  nameEn: string | null;
  namePinyin: string;
  roomCount: number;
}
interface LiveSession {
  id: string;
  orgId: string;
  title: string;
  titleEn: string | null;
  status: string;
}
interface Project {
  id: string;
  title: string;
  titleEn: string | null;
  villageId: string;
  status: string;
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** What the village offers and what is being done there: its inns, its producers' products and live sessions, its approved projects. */
export function VillageLife({ villageId }: { villageId: string }) {
  const { t } = useTranslation('atlas');
  const name = useName();
  const title = useTitle();
  const inns = useQuery({ queryKey: ['inns', 'village', villageId], queryFn: () => api<Inn[]>('/inns', { query: { unitId: villageId } }) });
  const shops = useQuery({ queryKey: ['market', 'shops'], queryFn: () => api<Shop[]>('/market/shops') });
  const here = (shops.data ?? []).filter((s) => s.unitId === villageId);
  const products = useQuery({
    queryKey: ['market', 'products', 'shops', here.map((s) => s.id)],
    queryFn: async () => (await Promise.all(here.map((s) => api<{ items: Product[] }>('/market/products', { query: { orgId: s.id } })))).flatMap((r) => r.items),
    enabled: shops.isSuccess,
  });
  const live = useQuery({ queryKey: ['live', 'sessions'], queryFn: () => api<{ items: LiveSession[] }>('/live/sessions') });
  const projects = useQuery({ queryKey: ['interventions', 'public'], queryFn: () => api<Project[]>('/interventions/public') });
  const sessions = (live.data?.items ?? []).filter((s) => here.some((shop) => shop.id === s.orgId));
  const ours = (projects.data ?? []).filter((p) => p.villageId === villageId);

  const lists = [
    { key: 'inns', items: (inns.data ?? []).map((i) => ({ id: i.id, to: `/inns/${i.id}`, text: name(i), note: t('life.rooms', { count: i.roomCount }) })) },
    { key: 'products', items: (products.data ?? []).map((p) => ({ id: p.id, to: `/market/products/${p.id}`, text: name(p), note: p.minPriceFen === null ? '' : t('life.from', { price: yuan(p.minPriceFen) }) })) },
    { key: 'live', items: sessions.map((s) => ({ id: s.id, to: `/live/${s.id}`, text: title(s), note: t(`life.liveStatus.${s.status}`, { defaultValue: '' }) })) },
    { key: 'projects', items: ours.map((p) => ({ id: p.id, to: '/interventions/public', text: title(p), note: '' })) },
  ] as const;
  return (
    <section className="card village-life" data-testid="village-life">
      <h2>{t('life.title')}</h2>
      {lists.map(({ key, items }) => (
        <div key={key} data-testid={`village-${key}`}>
          <h3>{t(`life.${key}`)}</h3>
          {items.length === 0 ? (
            <p className="muted">{t('life.none')}</p>
          ) : (
            <ul className="plain">
              {items.map((i) => (
                <li key={i.id}>
                  <Link to={i.to}>{i.text}</Link> {i.note && <span className="muted">{i.note}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </section>
  );
}
