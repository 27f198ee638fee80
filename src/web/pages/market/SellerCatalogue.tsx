import { FileField } from '../../components/FileField.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
// The producer's catalogue in the browser: products and their variants, photos, gardens and batches.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, upload, type CountyTree, type Reply } from '../../api.ts';
import { yuan, type Product, type ProductPhoto, type ProductSummary, type Variant } from './lib.tsx';
import { useName } from '../../names.ts';

/** "12.5" yuan → 1250 fen; null unless a positive amount with at most two decimals. */
export function yuanToFen(text: string): number | null {
  const s = text.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  const [whole, frac = ''] = s.split('.');
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}
const fenToYuan = (fen: number) => (fen / 100).toFixed(2);
const orNull = (s: string) => (s.trim() ? s.trim() : null);
const intOrNull = (s: string) => (s.trim() === '' ? null : Number(s));


/** The tea fields and name of a product, for both creating and editing. */
function ProductFields({ value, onChange }: { value: ProductDraft; onChange: (d: ProductDraft) => void }) {
  const { t } = useTranslation('market');
  const set = (k: keyof ProductDraft) => (e: { target: { value: string } }) => onChange({ ...value, [k]: e.target.value });
  return (
    <>
      <label>
        {t('manage.name')}
        <input name="name" value={value.name} onChange={set('name')} required maxLength={80} />
      </label>
      <label>
        {t('manage.nameEn')}
        <input name="nameEn" lang="en" value={value.nameEn} onChange={set('nameEn')} maxLength={80} />
      </label>
      {value.kind === 'tea' && (
        <div className="row wrap">
          <label>
            {t('product.variety')}
            <input name="variety" value={value.variety} onChange={set('variety')} maxLength={40} />
          </label>
          <label>
            {t('product.grade')}
            <input name="grade" value={value.grade} onChange={set('grade')} maxLength={40} />
          </label>
          <label>
            {t('product.season')}
            <input name="season" value={value.season} onChange={set('season')} maxLength={40} />
          </label>
        </div>
      )}
      <label>
        {t('manage.description')}
        <textarea name="description" value={value.description} onChange={set('description')} rows={3} maxLength={4000} />
      </label>
    </>
  );
}
interface ProductDraft {
  kind: 'tea' | 'craft';
  name: string;
  nameEn: string;
  variety: string;
  grade: string;
  season: string;
  description: string;
}
interface VariantDraft {
  label: string;
  weightG: string;
  price: string;
  stock: string;
}
const emptyVariant: VariantDraft = { label: '', weightG: '', price: '', stock: '' };

/** Variant inputs: packaging label, weight in grams, price in yuan (sent as fen), stock. */
function VariantFields({ value, onChange, stockLabel }: { value: VariantDraft; onChange: (d: VariantDraft) => void; stockLabel?: string }) {
  const { t } = useTranslation('market');
  const set = (k: keyof VariantDraft) => (e: { target: { value: string } }) => onChange({ ...value, [k]: e.target.value });
  return (
    <div className="row wrap variant-fields">
      <label>
        {t('manage.variantLabel')}
        <input name="label" value={value.label} onChange={set('label')} required maxLength={60} placeholder={t('manage.variantLabelHint')} />
      </label>
      <label>
        {t('manage.weightG')}
        <input name="weightG" type="number" min={1} step={1} value={value.weightG} onChange={set('weightG')} />
      </label>
      <label>
        {t('manage.priceYuan')}
        <input name="price" inputMode="decimal" value={value.price} onChange={set('price')} required />
      </label>
      <label>
        {stockLabel ?? t('manage.stock')}
        <input name="stock" type="number" step={1} value={value.stock} onChange={set('stock')} required />
      </label>
    </div>
  );
}

/** Checks a variant draft; answers the body to send, or the message key of what is wrong. */
function variantBody(d: VariantDraft, t: (k: string) => string): { label: string; weightG: number | null; priceFen: number; stock: number } | string {
  const priceFen = yuanToFen(d.price);
  if (priceFen === null || priceFen < 1) return t('manage.badPrice');
  const stock = Number(d.stock);
  if (!Number.isInteger(stock)) return t('manage.badStock');
  const weightG = intOrNull(d.weightG);
  if (weightG !== null && !(Number.isInteger(weightG) && weightG > 0)) return t('manage.badWeight');
  return { label: d.label.trim(), weightG, priceFen, stock };
}

function NewProduct({ orgId }: { orgId: string }) {
  const { t } = useTranslation('market');
  const client = useQueryClient();
  const blank: ProductDraft = { kind: 'tea', name: '', nameEn: '', variety: '', grade: '', season: '', description: '' };
  const [draft, setDraft] = useState(blank);
  const [variant, setVariant] = useState(emptyVariant);
  const [problem, setProblem] = useState('');
  const save = useMutation({
    mutationFn: (v: { label: string; weightG: number | null; priceFen: number; stock: number }) =>
      api<Reply<'createProduct'>>('/market/products', {
        method: 'POST',
        body: {
          orgId,
          kind: draft.kind,
          name: draft.name.trim(),
          nameEn: orNull(draft.nameEn),
          description: draft.description.trim(),
          ...(draft.kind === 'tea' ? { variety: orNull(draft.variety), grade: orNull(draft.grade), season: orNull(draft.season) } : {}),
          variants: [v],
        },
      }),
    onSuccess: () => {
      setDraft(blank);
      setVariant(emptyVariant);
      void client.invalidateQueries({ queryKey: ['market'] });
    },
  });
  return (
    <details className="card new-product">
      <summary>{t('manage.newProduct')}</summary>
      <form
        className="form"
        aria-label={t('manage.newProduct')}
        onSubmit={(e) => {
          e.preventDefault();
          const v = variantBody(variant, t);
          if (typeof v === 'string') return setProblem(v);
          if (v.stock < 0) return setProblem(t('manage.badStock'));
          setProblem('');
          save.mutate(v);
        }}
      >
        <label>
          {t('manage.kind')}
          <select name="kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as ProductDraft['kind'] })}>
            <option value="tea">{t('kind.tea')}</option>
            <option value="craft">{t('kind.craft')}</option>
          </select>
        </label>
        <ProductFields value={draft} onChange={setDraft} />
        <fieldset>
          <legend>{t('manage.firstVariant')}</legend>
          <VariantFields value={variant} onChange={setVariant} />
        </fieldset>
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('manage.create')}
        </button>
        {problem && <p className="error" role="alert">{problem}</p>}
        {save.data && (
          <p className="notice" role="status">
            {t('manage.created', { name: save.data.name })}
          </p>
        )}
        <ErrorText ns="market" error={save.error} />
      </form>
    </details>
  );
}

function VariantRow({ v }: { v: Variant }) {
  const { t } = useTranslation('market');
  const client = useQueryClient();
  const [draft, setDraft] = useState<VariantDraft>({ label: v.label, weightG: v.weightG?.toString() ?? '', price: fenToYuan(v.priceFen), stock: '0' });
  const [problem, setProblem] = useState('');
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Reply<'updateVariant'>>(`/market/variants/${v.id}`, { method: 'PATCH', body }),
    onSuccess: () => {
      setDraft((d) => ({ ...d, stock: '0' }));
      void client.invalidateQueries({ queryKey: ['market'] });
    },
  });
  return (
    <li className="variant-row" data-variant={v.label}>
      <p>
        <strong>{v.label}</strong> {v.weightG ? <span className="muted">{v.weightG} g</span> : null} · {yuan(v.priceFen)} · {t('product.stock', { stock: v.stock })}{' '}
        {!v.active && <span className="tag warn">{t('manage.offSale')}</span>} <SaleToggle url={`/market/variants/${v.id}`} active={v.active} name={v.label} />
      </p>
      <details>
        <summary>{t('manage.editVariant')}</summary>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            const b = variantBody(draft, t);
            if (typeof b === 'string') return setProblem(b);
            setProblem('');
            save.mutate({ label: b.label, weightG: b.weightG, priceFen: b.priceFen, ...(b.stock !== 0 ? { stockDelta: b.stock } : {}) });
          }}
        >
          <VariantFields value={draft} onChange={setDraft} stockLabel={t('manage.stockDelta')} />
          <button type="submit" disabled={save.isPending}>
            {t('seller.save')}
          </button>
          {problem && <p className="error" role="alert">{problem}</p>}
          <ErrorText ns="market" error={save.error} />
        </form>
      </details>
    </li>
  );
}

function AddVariant({ productId }: { productId: string }) {
  const { t } = useTranslation('market');
  const client = useQueryClient();
  const [draft, setDraft] = useState(emptyVariant);
  const [problem, setProblem] = useState('');
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Reply<'addVariant'>>(`/market/products/${productId}/variants`, { method: 'POST', body }),
    onSuccess: () => {
      setDraft(emptyVariant);
      void client.invalidateQueries({ queryKey: ['market'] });
    },
  });
  return (
    <details>
      <summary>{t('manage.addVariant')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          const b = variantBody(draft, t);
          if (typeof b === 'string') return setProblem(b);
          if (b.stock < 0) return setProblem(t('manage.badStock'));
          setProblem('');
          save.mutate(b);
        }}
      >
        <VariantFields value={draft} onChange={setDraft} />
        <button type="submit" disabled={save.isPending}>
          {t('manage.addVariant')}
        </button>
        {problem && <p className="error" role="alert">{problem}</p>}
        <ErrorText ns="market" error={save.error} />
      </form>
    </details>
  );
}

function PhotoUpload({ productId }: { productId: string }) {
  const { t } = useTranslation('market');
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [caption, setCaption] = useState('');
  const [key, setKey] = useState(0);
  const send = useMutation({
    mutationFn: () => upload<Reply<'addProductPhoto'>>(`/market/products/${productId}/photos`, file!, { caption: caption.trim() }),
    onSuccess: () => {
      setFile(null);
      setCaption('');
      setKey((k) => k + 1);
      void client.invalidateQueries({ queryKey: ['market'] });
    },
  });
  return (
    <form
      className="form photo-upload"
      onSubmit={(e) => {
        e.preventDefault();
        if (file) send.mutate();
      }}
    >
      <label>
        {t('manage.photo')}
        <FileField resetKey={key} kind="photo" onFile={setFile} />
      </label>
      <label>
        {t('manage.caption')}
        <input name="caption" value={caption} onChange={(e) => setCaption(e.target.value)} maxLength={200} />
      </label>
      <button type="submit" disabled={!file || send.isPending}>
        {t('manage.upload')}
      </button>
      {send.isSuccess && (
        <p className="notice" role="status">
          {t('manage.uploaded')}
        </p>
      )}
      <ErrorText ns="market" error={send.error} />
    </form>
  );
}

/** Takes a product or a variant off sale, or puts it back (PATCH { active }). */
function SaleToggle({ url, active, name }: { url: string; active: boolean; name: string }) {
  const { t } = useTranslation('market');
  const client = useQueryClient();
  const toggle = useMutation({
    mutationFn: () => api(url, { method: 'PATCH', body: { active: !active } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['market'] }),
  });
  return (
    <>
      <button
        type="button"
        className="small"
        aria-label={t('manage.saleToggleLabel', { action: active ? t('manage.takeOffSale') : t('manage.putOnSale'), name })}
        disabled={toggle.isPending}
        onClick={() => toggle.mutate()}
      >
        {active ? t('manage.takeOffSale') : t('manage.putOnSale')}
      </button>
      <ErrorText ns="market" error={toggle.error} />
    </>
  );
}

/** The product's photos in their order: move one earlier (the first is the cover) or delete one (asked twice). */
function PhotoManager({ productId, name, photos }: { productId: string; name: string; photos: ProductPhoto[] }) {
  const { t } = useTranslation('market');
  const client = useQueryClient();
  const [confirming, setConfirming] = useState('');
  const done = () => void client.invalidateQueries({ queryKey: ['market'] });
  const reorder = useMutation({
    mutationFn: (photoIds: string[]) => api(`/market/products/${productId}/photo-order`, { method: 'PUT', body: { photoIds } }),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: (photoId: string) => api(`/market/photos/${photoId}`, { method: 'DELETE' }),
    onSuccess: () => {
      setConfirming('');
      done();
    },
  });
  const earlier = (i: number) => {
    const ids = photos.map((p) => p.id);
    [ids[i - 1], ids[i]] = [ids[i], ids[i - 1]];
    reorder.mutate(ids);
  };
  if (photos.length === 0) return null;
  return (
    <>
      <ul className="photo-strip manage">
        {photos.map((ph, i) => (
          <li key={ph.id} data-photo={ph.id}>
            <img src={photoSrc(ph.id, 'thumb')} alt={ph.caption || name} />
            {i === 0 && <span className="tag">{t('manage.cover')}</span>}
            <div className="row wrap">
              {i > 0 && (
                <button type="button" className="small" disabled={reorder.isPending} onClick={() => earlier(i)}>
                  {t('manage.movePhotoEarlier')}
                </button>
              )}
              {confirming === ph.id ? (
                <>
                  <button type="button" className="small danger" disabled={remove.isPending} onClick={() => remove.mutate(ph.id)}>
                    {t('manage.confirmDeletePhoto')}
                  </button>
                  <button type="button" className="small" onClick={() => setConfirming('')}>
                    {t('manage.cancel')}
                  </button>
                </>
              ) : (
                <button type="button" className="small" onClick={() => setConfirming(ph.id)}>
                  {t('manage.deletePhoto')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <ErrorText ns="market" error={reorder.error ?? remove.error} />
    </>
  );
}

function ProductEditor({ id }: { id: string }) {
  const { t } = useTranslation('market');
  const client = useQueryClient();
  const product = useQuery({ queryKey: ['market', 'product-manage', id], queryFn: () => api<Reply<'getProductForSeller'>>(`/market/products/${id}/manage`) });
  const [draft, setDraft] = useState<ProductDraft | null>(null);
  const save = useMutation({
    mutationFn: (d: ProductDraft) =>
      api<Reply<'updateProduct'>>(`/market/products/${id}`, {
        method: 'PATCH',
        body: {
          name: d.name.trim(),
          nameEn: orNull(d.nameEn),
          description: d.description.trim(),
          ...(d.kind === 'tea' ? { variety: orNull(d.variety), grade: orNull(d.grade), season: orNull(d.season) } : {}),
        },
      }),
    onSuccess: () => {
      setDraft(null);
      void client.invalidateQueries({ queryKey: ['market'] });
    },
  });
  if (product.error) return <ErrorText ns="market" error={product.error} />;
  if (!product.data) return null;
  const p = product.data;
  const current = draft ?? { kind: p.kind, name: p.name, nameEn: p.nameEn ?? '', variety: p.variety ?? '', grade: p.grade ?? '', season: p.season ?? '', description: p.description };
  return (
    <div className="stack product-editor">
      <PhotoManager productId={id} name={p.name} photos={p.photos} />
      <PhotoUpload productId={id} />
      <details>
        <summary>{t('manage.editProduct')}</summary>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(current);
          }}
        >
          <ProductFields value={current} onChange={setDraft} />
          <button type="submit" disabled={save.isPending}>
            {t('seller.save')}
          </button>
          {save.isSuccess && (
            <p className="notice" role="status">
              {t('manage.saved')}
            </p>
          )}
          <ErrorText ns="market" error={save.error} />
        </form>
      </details>
      <h4>{t('product.variant')}</h4>
      <ul className="variant-list">
        {p.variants.map((v) => (
          <VariantRow key={v.id} v={v} />
        ))}
      </ul>
      <AddVariant productId={id} />
    </div>
  );
}

/** A product photo's URL: the original or its 480 px thumbnail. */
export const photoSrc = (id: string, size: 'thumb' | 'full' = 'full') => `/api/v1/market/photos/${id}${size === 'thumb' ? '?size=thumb' : ''}`;

export function ProductsSection({ orgId }: { orgId: string }) {
  const { t } = useTranslation('market');
  const name = useName();
  const products = useQuery({
    queryKey: ['market', 'shop-products', orgId],
    queryFn: () => api<Reply<'listShopProducts'>>(`/market/shops/${orgId}/products`),
  });
  const [open, setOpen] = useState('');
  return (
    <section className="card stack" aria-labelledby="seller-products">
      <h2 id="seller-products">{t('manage.products')}</h2>
      <NewProduct orgId={orgId} />
      <ErrorText ns="market" error={products.error} />
      <ul className="seller-products">
        {products.data?.items.map((p) => (
          <li key={p.id} data-product={p.name} className={p.active ? '' : 'off-sale'}>
            <button type="button" className="link-button" aria-expanded={open === p.id} onClick={() => setOpen(open === p.id ? '' : p.id)}>
              {name(p)}
            </button>{' '}
            {!p.active && <span className="tag warn">{t('manage.offSale')}</span>}{' '}
            <span className="muted">
              {t(`kind.${p.kind}`)} · {p.minPriceFen !== null && yuan(p.minPriceFen)} · {t('product.stock', { stock: p.stock })}
            </span>{' '}
            <SaleToggle url={`/market/products/${p.id}`} active={p.active} name={p.name} />
            {open === p.id && <ProductEditor id={p.id} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

type Garden = Reply<'listGardens'>[number];

export function GardensSection({ orgId, villageId }: { orgId: string; villageId?: string }) {
  const { t } = useTranslation('market');
  const client = useQueryClient();
  const gardens = useQuery({ queryKey: ['market', 'gardens', orgId], queryFn: () => api<Garden[]>(`/market/shops/${orgId}/gardens`) });
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county'), staleTime: 3_600_000 });
  const blank = { name: '', villageId: villageId ?? '', lon: '', lat: '', altitudeM: '' };
  const [d, setD] = useState(blank);
  const save = useMutation({
    mutationFn: () =>
      api<Reply<'createGarden'>>('/market/gardens', {
        method: 'POST',
        body: { orgId, villageId: d.villageId, name: d.name.trim(), lon: intOrNullFloat(d.lon), lat: intOrNullFloat(d.lat), altitudeM: intOrNull(d.altitudeM) },
      }),
    onSuccess: () => {
      setD(blank);
      void client.invalidateQueries({ queryKey: ['market', 'gardens', orgId] });
    },
  });
  const name = useName();
  const villageName = new Map(county.data?.townships.flatMap((tw) => tw.villages.map((v) => [v.id, name(v)] as const)) ?? []);
  const set = (k: keyof typeof blank) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });
  return (
    <section className="card stack">
      <h2>{t('manage.gardens')}</h2>
      {gardens.data?.length === 0 && <p className="hint">{t('manage.noGardens')}</p>}
      <ul className="garden-list">
        {gardens.data?.map((g) => (
          <li key={g.id}>
            <strong>{g.name}</strong> <span className="muted">{villageName.get(g.villageId) ?? ''}</span>
            {g.altitudeM !== null && <span className="muted"> · {t('manage.altitudeShort', { m: g.altitudeM })}</span>}
          </li>
        ))}
      </ul>
      <details>
        <summary>{t('manage.newGarden')}</summary>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <label>
            {t('manage.gardenName')}
            <input value={d.name} onChange={set('name')} required maxLength={80} />
          </label>
          <label>
            {t('manage.village')}
            <select value={d.villageId} onChange={set('villageId')} required>
              <option value="" />
              {county.data?.townships.map((tw) => (
                <optgroup key={tw.id} label={name(tw)}>
                  {tw.villages.map((v) => (
                    <option key={v.id} value={v.id}>
                      {name(v)}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
          <div className="row wrap">
            <label>
              {t('manage.lon')}
              <input type="number" step="any" min={-180} max={180} value={d.lon} onChange={set('lon')} />
            </label>
            <label>
              {t('manage.lat')}
              <input type="number" step="any" min={-90} max={90} value={d.lat} onChange={set('lat')} />
            </label>
            <label>
              {t('manage.altitude')}
              <input type="number" step={1} min={-500} max={9000} value={d.altitudeM} onChange={set('altitudeM')} />
            </label>
          </div>
          <button type="submit" disabled={save.isPending}>
            {t('manage.create')}
          </button>
          <ErrorText ns="market" error={save.error} />
        </form>
      </details>
    </section>
  );
}
const intOrNullFloat = (s: string) => (s.trim() === '' ? null : Number(s));

export function NewBatch({ orgId }: { orgId: string }) {
  const { t } = useTranslation('market');
  const name = useName();
  const client = useQueryClient();
  const products = useQuery({
    queryKey: ['market', 'shop-products', orgId],
    queryFn: () => api<Reply<'listShopProducts'>>(`/market/shops/${orgId}/products`),
  });
  const gardens = useQuery({ queryKey: ['market', 'gardens', orgId], queryFn: () => api<Garden[]>(`/market/shops/${orgId}/gardens`) });
  const blank = { productId: '', lot: '', gardenId: '', harvestDate: '', quantity: '', notes: '' };
  const [d, setD] = useState(blank);
  const save = useMutation({
    mutationFn: () =>
      api<Reply<'createBatch'>>('/market/batches', {
        method: 'POST',
        body: {
          productId: d.productId,
          lot: d.lot.trim(),
          gardenId: d.gardenId || null,
          harvestDate: d.harvestDate || null,
          quantity: Number(d.quantity),
          notes: d.notes.trim(),
        },
      }),
    onSuccess: () => {
      setD(blank);
      void client.invalidateQueries({ queryKey: ['market'] });
    },
  });
  const set = (k: keyof typeof blank) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });
  return (
    <details className="new-batch">
      <summary>{t('manage.newBatch')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <label>
          {t('manage.product')}
          <select value={d.productId} onChange={set('productId')} required>
            <option value="" />
            {products.data?.items.map((p) => (
              <option key={p.id} value={p.id}>
                {name(p)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('manage.lot')}
          <input value={d.lot} onChange={set('lot')} required pattern="[A-Za-z0-9\-]{1,20}" maxLength={20} />
        </label>
        <label>
          {t('manage.garden')}
          <select value={d.gardenId} onChange={set('gardenId')}>
            <option value="">{t('manage.noGarden')}</option>
            {gardens.data?.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <div className="row wrap">
          <label>
            {t('manage.harvestDate')}
            <input type="date" value={d.harvestDate} onChange={set('harvestDate')} />
          </label>
          <label>
            {t('manage.quantity')}
            <input type="number" min={0} step={1} value={d.quantity} onChange={set('quantity')} required />
          </label>
        </div>
        <label>
          {t('seller.eventNotes')}
          <textarea value={d.notes} onChange={set('notes')} rows={2} maxLength={2000} />
        </label>
        <button type="submit" disabled={save.isPending}>
          {t('manage.create')}
        </button>
        {save.data && (
          <p className="notice" role="status">
            {t('manage.batchCreated', { lot: save.data.lot })}
          </p>
        )}
        <ErrorText ns="market" error={save.error} />
      </form>
    </details>
  );
}
