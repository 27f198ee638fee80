import { multipart } from '../../../test/support/multipart.ts';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { TEST_PASSWORD } from '../../../test/support/constants.ts';
import { describeEachDriver } from '../../../test/support/db.ts';

const jpeg = () => sharp({ create: { width: 64, height: 48, channels: 3, background: '#2f6b3a' } }).jpeg().toBuffer();
const png = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#8a6d2f' } }).png().toBuffer();

describeEachDriver('market seller: products, variants, photos', (driver) => {
  let t: TestApp;
  let producer: Session;
  let other: Session;
  let buyer: Session;
  let coopId: string;

  beforeAll(async () => {
    t = await startTestApp(driver);
    let admin: Session;
    [producer, buyer, admin] = await Promise.all(['producer', 'buyer', 'admin'].map((u) => signIn(t.app, u)));
    const shops = (await as(t.app, producer)({ method: 'GET', url: '/api/v1/market/my-shops' })).json() as { id: string; unitId: string }[];
    coopId = shops[0].id;
    // A second producer, with its own family farm, in the same village.
    const org = await as(t.app, admin)({ method: 'POST', url: '/api/v1/organizations', payload: { unitId: shops[0].unitId, kind: 'family_farm', name: '叶家茶园（测试）' } });
    expect(org.statusCode).toBe(201);
    const user = await as(t.app, admin)({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'producer2', displayName: '叶家', password: TEST_PASSWORD, grants: [{ role: 'producer', orgId: org.json().id }] },
    });
    expect(user.statusCode).toBe(201);
    other = await signIn(t.app, 'producer2');
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (s: Session | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    as(t.app, s)({ method, url: `/api/v1${url}`, payload: payload as object });
  const upload = (s: Session | null, productId: string, file: { name: string; type: string; data: Buffer }, fields: Record<string, string> = {}) =>
    as(t.app, s)({ method: 'POST', url: `/api/v1/market/products/${productId}/photos`, ...multipart(fields, file) });
  const newProduct = async () => {
    const res = await call(producer, 'POST', '/market/products', {
      orgId: coopId,
      kind: 'tea',
      name: '松阳红茶 一级',
      variety: '松阳红',
      grade: '一级',
      season: '夏茶',
      variants: [{ label: '罐装 100g', weightG: 100, priceFen: 6800, stock: 20 }],
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; variants: { id: string }[] };
  };

  it('creates a product, edits it, adds and edits a variant, each audited', async () => {
    const p = await newProduct();
    const edited = await call(producer, 'PATCH', `/market/products/${p.id}`, { name: '松阳红茶 特级', grade: '特级', description: '高山夏茶' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ name: '松阳红茶 特级', grade: '特级', variety: '松阳红' });

    const added = await call(producer, 'POST', `/market/products/${p.id}/variants`, { label: '礼盒 250g', weightG: 250, priceFen: 15800, stock: 5 });
    expect(added.statusCode).toBe(201);
    const changed = await call(producer, 'PATCH', `/market/variants/${added.json().id}`, { label: '礼盒 200g', weightG: 200, priceFen: 13800, stockDelta: 3 });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ label: '礼盒 200g', weightG: 200, priceFen: 13800, stock: 8 });

    const shown = (await call(null, 'GET', `/market/products/${p.id}`)).json();
    expect(shown).toMatchObject({ name: '松阳红茶 特级', description: '高山夏茶' });
    expect(shown.variants.map((v: { label: string }) => v.label)).toEqual(['罐装 100g', '礼盒 200g']);
    const audit = await queryRows<{ action: string }>(
      t.db.db,
      sql`select action from audit_log where entity_id in (${p.id}, ${added.json().id}) order by action`,
    );
    expect(audit.map((a) => a.action)).toEqual(['product.create', 'product.update', 'variant.create', 'variant.update']);
  });

  it('names the field of bad input', async () => {
    const p = await newProduct();
    const noName = await call(producer, 'PATCH', `/market/products/${p.id}`, { name: '' });
    expect(noName.statusCode).toBe(400);
    expect(noName.body).toContain('name');
    const badPrice = await call(producer, 'POST', `/market/products/${p.id}/variants`, { label: '散装', priceFen: 0, stock: 1 });
    expect(badPrice.statusCode).toBe(400);
    expect(badPrice.body).toContain('priceFen');
    const extra = await call(producer, 'POST', '/market/products', { orgId: coopId, kind: 'tea', name: 'x', colour: 'red', variants: [{ label: 'a', priceFen: 1, stock: 1 }] });
    expect(extra.statusCode).toBe(400);
    const noVariant = await call(producer, 'POST', '/market/products', { orgId: coopId, kind: 'tea', name: 'x', variants: [] });
    expect(noVariant.statusCode).toBe(400);
    expect(noVariant.body).toContain('variants');
  });

  it('refuses another producer and a buyer: 403', async () => {
    const p = await newProduct();
    expect((await call(other, 'PATCH', `/market/products/${p.id}`, { name: '抢来的' })).statusCode).toBe(403);
    expect((await call(other, 'POST', `/market/products/${p.id}/variants`, { label: 'x', priceFen: 100, stock: 1 })).statusCode).toBe(403);
    expect((await call(other, 'PATCH', `/market/variants/${p.variants[0].id}`, { priceFen: 1 })).statusCode).toBe(403);
    expect((await call(other, 'POST', '/market/products', { orgId: coopId, kind: 'tea', name: 'x', variants: [{ label: 'a', priceFen: 1, stock: 1 }] })).statusCode).toBe(403);
    expect((await upload(other, p.id, { name: 'a.jpg', type: 'image/jpeg', data: await jpeg() })).statusCode).toBe(403);
    expect((await upload(buyer, p.id, { name: 'a.jpg', type: 'image/jpeg', data: await jpeg() })).statusCode).toBe(403);
    expect((await upload(null, p.id, { name: 'a.jpg', type: 'image/jpeg', data: await jpeg() })).statusCode).toBe(401);
    // The second producer may sell in its own shop.
    const mine = await call(other, 'GET', '/market/my-shops');
    const own = await call(other, 'POST', '/market/products', { orgId: mine.json()[0].id, kind: 'craft', name: '竹编果盘', variants: [{ label: '大号', priceFen: 12000, stock: 2 }] });
    expect(own.statusCode).toBe(201);
  });

  it('accepts a JPEG or PNG photo, shows it on the product and in the catalogue, and serves it with a thumbnail', async () => {
    const p = await newProduct();
    const res = await upload(producer, p.id, { name: 'tea.jpg', type: 'image/jpeg', data: await jpeg() }, { caption: '干茶' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ productId: p.id, contentType: 'image/jpeg', width: 64, height: 48, caption: '干茶' });
    expect((await upload(producer, p.id, { name: 'tea.png', type: 'image/png', data: await png() })).statusCode).toBe(201);
    const shown = (await call(null, 'GET', `/market/products/${p.id}`)).json();
    expect(shown.photos).toHaveLength(2);
    expect(shown.photos[0].id).toBe(res.json().id);
    const list = (await call(null, 'GET', '/market/products?q=松阳红茶')).json().items as { id: string; photoId: string | null }[];
    expect(list.find((x) => x.id === p.id)?.photoId).toBe(res.json().id);
    const full = await call(null, 'GET', `/market/photos/${res.json().id}`);
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('image/jpeg');
    const thumb = await call(null, 'GET', `/market/photos/${res.json().id}?size=thumb`);
    expect(thumb.headers['content-type']).toBe('image/webp');
    const audit = await queryRows<{ action: string }>(t.db.db, sql`select action from audit_log where entity_id = ${res.json().id}`);
    expect(audit.map((a) => a.action)).toEqual(['photo.add']);
  });

  it('refuses a mislabelled file (415) and an oversized one (413), naming the file', async () => {
    const p = await newProduct();
    const mislabelled = await upload(producer, p.id, { name: 'tea.png', type: 'image/png', data: await jpeg() });
    expect(mislabelled.statusCode).toBe(415);
    expect(mislabelled.json()).toMatchObject({ field: 'file' });
    const text = await upload(producer, p.id, { name: 'tea.jpg', type: 'image/jpeg', data: Buffer.from('not an image at all') });
    expect(text.statusCode).toBe(415);
    const big = Buffer.alloc(10 * 1024 * 1024 + 1024);
    (await jpeg()).copy(big);
    const oversized = await upload(producer, p.id, { name: 'big.jpg', type: 'image/jpeg', data: big });
    expect(oversized.statusCode).toBe(413);
    expect(oversized.json()).toMatchObject({ field: 'file' });
    expect((await call(null, 'GET', `/market/products/${p.id}`)).json().photos).toEqual([]);
  });
});
