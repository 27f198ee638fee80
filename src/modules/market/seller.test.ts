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

  const call = (s: Session | null, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
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

  it('takes a product and a variant off sale: gone from the public catalogue and page, still in the producer\'s own list', async () => {
    const p = await newProduct();
    const extra = await call(producer, 'POST', `/market/products/${p.id}/variants`, { label: '礼盒 250g', priceFen: 16800, stock: 5 });
    expect(extra.statusCode).toBe(201);
    expect((await call(producer, 'PATCH', `/market/variants/${extra.json().id}`, { active: false })).statusCode).toBe(200);
    const publicPage = (await call(null, 'GET', `/market/products/${p.id}`)).json();
    expect(publicPage.variants.map((v: { label: string }) => v.label)).toEqual(['罐装 100g']);
    const managed = await call(producer, 'GET', `/market/products/${p.id}/manage`);
    expect(managed.json().variants.map((v: { label: string; active: boolean }) => [v.label, v.active])).toEqual([
      ['罐装 100g', true],
      ['礼盒 250g', false],
    ]);
    expect((await call(other, 'GET', `/market/products/${p.id}/manage`)).statusCode).toBe(403);

    expect((await call(producer, 'PATCH', `/market/products/${p.id}`, { active: false })).statusCode).toBe(200);
    const catalogue = (await call(null, 'GET', `/market/products?orgId=${coopId}&limit=100`)).json().items as { id: string }[];
    expect(catalogue.some((x) => x.id === p.id)).toBe(false);
    const own = (await call(producer, 'GET', `/market/shops/${coopId}/products`)).json().items as { id: string; active: boolean }[];
    expect(own.find((x) => x.id === p.id)?.active).toBe(false);
    expect((await call(other, 'GET', `/market/shops/${coopId}/products`)).statusCode).toBe(403);
    expect((await call(buyer, 'GET', `/market/shops/${coopId}/products`)).statusCode).toBe(403);
    // Off sale means it cannot be bought, whatever the client sends.
    const order = await as(t.app, buyer)({
      method: 'POST',
      url: '/api/v1/market/orders',
      headers: { 'idempotency-key': `off-sale-${p.id}` },
      payload: { items: [{ variantId: p.variants[0].id, qty: 1 }], address: { name: '李华', phone: '13900002222', province: '北京市', city: '北京市', detail: '中关村 1 号' } },
    });
    expect(order.statusCode).toBe(400);
    expect(order.json().field).toBe('body/items/0/variantId');

    expect((await call(producer, 'PATCH', `/market/products/${p.id}`, { active: true })).statusCode).toBe(200);
    const back = (await call(null, 'GET', `/market/products?orgId=${coopId}&limit=100`)).json().items as { id: string }[];
    expect(back.some((x) => x.id === p.id)).toBe(true);
  });

  it('orders photos (the first is the catalogue cover) and deletes one, audited; refuses a partial order and other producers', async () => {
    const p = await newProduct();
    const ids: string[] = [];
    for (const caption of ['正面', '茶汤', '茶园']) {
      const res = await upload(producer, p.id, { name: 'p.jpg', type: 'image/jpeg', data: await jpeg() }, { caption });
      expect(res.statusCode).toBe(201);
      ids.push(res.json().id);
    }
    const captions = async () => ((await call(null, 'GET', `/market/products/${p.id}`)).json().photos as { caption: string }[]).map((x) => x.caption);
    const cover = async () => ((await call(null, 'GET', `/market/products?orgId=${coopId}&limit=100`)).json().items as { id: string; photoId: string }[]).find((x) => x.id === p.id)?.photoId;
    expect(await captions()).toEqual(['正面', '茶汤', '茶园']);
    expect(await cover()).toBe(ids[0]);

    const reordered = await call(producer, 'PUT', `/market/products/${p.id}/photo-order`, { photoIds: [ids[2], ids[0], ids[1]] });
    expect(reordered.statusCode).toBe(200);
    expect(await captions()).toEqual(['茶园', '正面', '茶汤']);
    expect(await cover()).toBe(ids[2]);

    const partial = await call(producer, 'PUT', `/market/products/${p.id}/photo-order`, { photoIds: [ids[0], ids[1]] });
    expect(partial.statusCode).toBe(400);
    expect(partial.json().field).toBe('body/photoIds');
    expect((await call(other, 'PUT', `/market/products/${p.id}/photo-order`, { photoIds: ids })).statusCode).toBe(403);
    expect((await call(other, 'DELETE', `/market/photos/${ids[2]}`)).statusCode).toBe(403);
    expect(await captions()).toEqual(['茶园', '正面', '茶汤']);

    expect((await call(producer, 'DELETE', `/market/photos/${ids[2]}`)).statusCode).toBe(204);
    expect(await captions()).toEqual(['正面', '茶汤']);
    expect(await cover()).toBe(ids[0]);
    expect((await call(null, 'GET', `/market/photos/${ids[2]}`)).statusCode).toBe(404);
    expect((await call(producer, 'DELETE', `/market/photos/${ids[2]}`)).statusCode).toBe(404);
    // A photo uploaded now goes last.
    const later = await upload(producer, p.id, { name: 'q.png', type: 'image/png', data: await png() }, { caption: '包装' });
    expect(later.statusCode).toBe(201);
    expect(await captions()).toEqual(['正面', '茶汤', '包装']);

    const audit = await queryRows<{ action: string }>(
      t.db.db,
      sql`select action from audit_log where (entity = 'market_product' and entity_id = ${p.id} and action = 'photo.reorder') or (entity = 'market_product_photo' and entity_id = ${ids[2]}) order by at`,
    );
    expect(audit.map((a) => a.action)).toEqual(['photo.add', 'photo.reorder', 'photo.delete']);
  });

  it('finds products in the catalogue by pinyin, spaced pinyin or initials as well as Chinese, and follows a rename', async () => {
    const names = async (q: string) =>
      ((await call(null, 'GET', `/market/products?q=${encodeURIComponent(q)}&limit=100`)).json().items as { name: string }[]).map((p) => p.name);
    expect(await names('银猴')).toContain('松阳银猴 特级 明前');
    expect(await names('yinhou')).toContain('松阳银猴 特级 明前');
    expect(await names('Yin Hou')).toContain('松阳银猴 特级 明前');
    expect(await names('syyh')).toContain('松阳银猴 特级 明前');
    expect(await names('yinhou')).not.toContain('竹编茶叶罐');
    // A wildcard typed by the user is a character, not a wildcard.
    expect(await names('%')).toEqual([]);

    const p = await newProduct();
    expect(await names('songyanghong')).toContain('松阳红茶 一级');
    expect((await call(producer, 'PATCH', `/market/products/${p.id}`, { name: '玉岩白茶 一级' })).statusCode).toBe(200);
    expect(await names('yuyan')).toContain('玉岩白茶 一级');
    expect(await names('yuyan')).not.toContain('松阳红茶 一级');
    // The description is in the same indexed search text, found as typed, and follows an edit.
    expect(await names('云雾嫩芽')).not.toContain('玉岩白茶 一级');
    expect((await call(producer, 'PATCH', `/market/products/${p.id}`, { description: '高山云雾嫩芽，手工炒制。' })).statusCode).toBe(200);
    expect(await names('云雾嫩芽')).toContain('玉岩白茶 一级');
  });
});
