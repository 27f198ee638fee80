import { ErrorText } from '../../components/ErrorText.tsx';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { yuan, type ProductSummary } from './lib.tsx';
import { photoSrc } from './SellerCatalogue.tsx';
import { LiveStrip } from './LiveStrip.tsx';
import { useName } from '../../names.ts';

export function ProductCard({ p }: { p: ProductSummary }) {
  const { t } = useTranslation('market');
  const name = useName();
  return (
    <li className="product-card" data-product={p.name}>
      <Link to={`/market/products/${p.id}`} className="product-link">
        <span className={`product-photo ${p.kind}`} aria-hidden>
          {p.photoId ? <img src={photoSrc(p.photoId, 'thumb')} alt="" /> : p.photoUrl ? <img src={p.photoUrl} alt="" /> : <span>{p.kind === 'tea' ? '茶' : '竹'}</span>}
        </span>
        <span className="product-text">
          <strong>{name(p)}</strong>
          <span className="muted">{t('producerVillage', { producer: p.producer, village: p.village })}</span>
          <span className="tags">
            <span className="tag">{t(`kind.${p.kind}`)}</span>
            {p.season && <span className="tag">{p.season}</span>}
            {p.stock === 0 && <span className="tag warn">{t('soldOut')}</span>}
          </span>
          <span className="price">{t('from', { price: yuan(p.minPriceFen) })}</span>
        </span>
      </Link>
    </li>
  );
}

export function CataloguePage() {
  const { t } = useTranslation('market');
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const kind = params.get('kind') ?? '';
  const [draft, setDraft] = useState(q);
  const products = useQuery({
    queryKey: ['market', 'products', q, kind],
    queryFn: () => api<Reply<'listProducts'>>('/market/products', { query: { q, kind, limit: 100 } }),
  });
  const set = (next: Record<string, string>) => {
    const merged = { q, kind, ...next };
    setParams(Object.fromEntries(Object.entries(merged).filter(([, v]) => v)));
  };
  return (
    <section className="stack">
      <div className="card market-hero">
        <h1>{t('title')}</h1>
        <p className="hint">{t('intro')}</p>
        <form
          className="row"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            set({ q: draft.trim() });
          }}
        >
          <input className="filter" type="search" aria-label={t('search')} placeholder={t('search')} value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit">{t('searchButton')}</button>
        </form>
        <div className="chips" role="group">
          {['', 'tea', 'craft'].map((k) => (
            <button key={k} type="button" className={`chip ${kind === k ? 'on' : ''}`} aria-pressed={kind === k} onClick={() => set({ kind: k })}>
              {k ? t(`kind.${k as 'tea'}`) : t('all')}
            </button>
          ))}
        </div>
      </div>
      <LiveStrip />
      <ErrorText ns="market" error={products.error} />
      {products.data && (products.data.items.length ? (
        <ul className="product-grid">
          {products.data.items.map((p) => (
            <ProductCard key={p.id} p={p} />
          ))}
        </ul>
      ) : (
        <p className="hint">{t('noProducts')}</p>
      ))}
    </section>
  );
}

type Shop = Reply<'getShop'>;

export function ShopPage() {
  const { orgId = '' } = useParams();
  const { t } = useTranslation('market');
  const shop = useQuery({ queryKey: ['market', 'shop', orgId], queryFn: () => api<Shop>(`/market/shops/${orgId}`) });
  if (shop.error) return <ErrorText ns="market" error={shop.error} />;
  if (!shop.data) return null;
  const s = shop.data;
  return (
    <section className="stack">
      <div className="card">
        <h1>{s.name}</h1>
        <p className="muted">{s.unitName}</p>
        <p className="description">{s.intro || s.description}</p>
        <p className="hint">
          {s.shipping.freeOverFen !== null
            ? t('shop.shipping', { base: yuan(s.shipping.baseFen), free: yuan(s.shipping.freeOverFen), remote: yuan(s.shipping.remoteSurchargeFen) })
            : t('shop.shippingNoFree', { base: yuan(s.shipping.baseFen), remote: yuan(s.shipping.remoteSurchargeFen) })}
        </p>
      </div>
      <h2>{t('shop.products')}</h2>
      <ul className="product-grid">
        {s.products.map((p) => (
          <ProductCard key={p.id} p={p} />
        ))}
      </ul>
    </section>
  );
}
