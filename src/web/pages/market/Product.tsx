import { ErrorText } from '../../components/ErrorText.tsx';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { cart, yuan, type Product } from './lib.tsx';
import { photoSrc } from './SellerCatalogue.tsx';
import { useName } from '../../names.ts';

export function ProductPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('market');
  const name = useName();
  const product = useQuery({ queryKey: ['market', 'product', id], queryFn: () => api<Reply<'getProduct'>>(`/market/products/${id}`) });
  const [variantId, setVariantId] = useState('');
  const [qty, setQty] = useState(1);
  const [added, setAdded] = useState(false);
  if (product.error) return <ErrorText ns="market" error={product.error} />;
  if (!product.data) return null;
  const p = product.data;
  const v = p.variants.find((x) => x.id === variantId) ?? p.variants[0];
  const batchId = v?.batchId ?? p.batches[0]?.id;
  return (
    <section className="card product-page">
      {p.photos.length > 0 ? (
        <div className="product-gallery">
          {p.photos.map((ph) => (
            <a key={ph.id} href={photoSrc(ph.id)} target="_blank" rel="noreferrer">
              <img src={photoSrc(ph.id, 'thumb')} alt={ph.caption || p.name} width={ph.width} height={ph.height} />
            </a>
          ))}
        </div>
      ) : (
        <span className={`product-photo large ${p.kind}`} aria-hidden>
          {p.photoUrl ? <img src={p.photoUrl} alt="" /> : <span>{p.kind === 'tea' ? '茶' : '竹'}</span>}
        </span>
      )}
      <h1>{name(p)}</h1>
      <p className="muted">
        <Link to={`/market/shops/${p.orgId}`}>{t('producerVillage', { producer: p.producer, village: p.village })}</Link>
      </p>
      {p.kind === 'tea' && (
        <dl className="facts">
          {p.variety && (<><dt>{t('product.variety')}</dt><dd>{p.variety}</dd></>)}
          {p.grade && (<><dt>{t('product.grade')}</dt><dd>{p.grade}</dd></>)}
          {p.season && (<><dt>{t('product.season')}</dt><dd>{p.season}</dd></>)}
        </dl>
      )}
      <p className="description">{p.description}</p>
      {!p.active && (
        <p className="notice" role="status">
          {t('manage.offSaleNotice')}
        </p>
      )}
      {v && p.active && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            cart.add({ variantId: v.id, productId: p.id, orgId: p.orgId, producer: p.producer, name: p.name, label: v.label, priceFen: v.priceFen, qty });
            setAdded(true);
          }}
        >
          <fieldset className="variants">
            <legend>{t('product.variant')}</legend>
            {p.variants.map((x) => (
              <label key={x.id} className={`variant ${x.id === v.id ? 'on' : ''}`}>
                <input type="radio" name="variant" value={x.id} checked={x.id === v.id} onChange={() => setVariantId(x.id)} />
                <span>{x.label}</span>
                <strong>{yuan(x.priceFen)}</strong>
                <span className="muted">{x.stock > 0 ? t('product.stock', { stock: x.stock }) : t('soldOut')}</span>
              </label>
            ))}
          </fieldset>
          <label>
            {t('product.qty')}
            <input type="number" min={1} max={Math.max(1, Math.min(99, v.stock))} value={qty} onChange={(e) => setQty(Number(e.target.value) || 1)} />
          </label>
          <button type="submit" className="primary" disabled={v.stock === 0}>
            {t('product.add')}
          </button>
          {added && (
            <p className="notice" role="status">
              {t('product.added')} · <Link to="/market/cart">{t('cart.title')}</Link>
            </p>
          )}
        </form>
      )}
      {batchId && (
        <p>
          <Link to={`/market/trace/${batchId}`}>{t('product.trace')} →</Link>
        </p>
      )}
    </section>
  );
}
