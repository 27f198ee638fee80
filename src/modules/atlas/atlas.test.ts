import { multipart } from '../../../test/support/multipart.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/handle.ts';
import { as, signIn, startTestApp, type Session, type TestApp } from '../../../test/support/app.ts';
import { describeEachDriver } from '../../../test/support/db.ts';
import { elevationAt, readAsciiGrid } from './dem.ts';
import { ringSelfIntersection, validateGeometry } from './geo.ts';
import { getBuildingFacts } from './service.ts';
import { parseCsv } from './transfer.ts';
import { likePatterns, searchText } from '../../db/search-text.ts';


const jpeg = () => sharp({ create: { width: 800, height: 600, channels: 3, background: '#b08d57' } }).jpeg().toBuffer();
const png = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#2f6b3a' } }).png().toBuffer();

describe('atlas geometry and search text', () => {
  it('accepts a point and a simple polygon, and rejects a bow-tie polygon naming the crossing edges', () => {
    expect(validateGeometry({ type: 'Point', coordinates: [119.5, 28.4] })).toEqual({ type: 'Point', coordinates: [119.5, 28.4] });
    const square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
    expect(validateGeometry({ type: 'Polygon', coordinates: [square] }).type).toBe('Polygon');
    const bowtie = [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]];
    expect(ringSelfIntersection(bowtie as [number, number][])).not.toBeNull();
    expect(() => validateGeometry({ type: 'Polygon', coordinates: [bowtie] })).toThrow(/intersects itself/);
    expect(() => validateGeometry({ type: 'Point', coordinates: [200, 28] })).toThrow(/Longitude 200 is out of range/);
    expect(() => validateGeometry({ type: 'LineString', coordinates: [] })).toThrow(/Point or Polygon/);
  });

  it('converts GCJ-02 to WGS-84 (a shift of a few hundred metres in China)', () => {
    const g = validateGeometry({ type: 'Point', coordinates: [119.5476, 28.4601] }, 'gcj02');
    const [lon, lat] = g.coordinates as number[];
    expect(Math.abs(lon - 119.5476)).toBeGreaterThan(0.002);
    expect(Math.abs(lon - 119.5476)).toBeLessThan(0.01);
    expect(Math.abs(lat - 28.4601)).toBeLessThan(0.01);
  });

  it('reads an ASCII elevation grid and interpolates between cell centres', () => {
    const g = readAsciiGrid('ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\nNODATA_value -9999\n100 200\n300 400\n');
    expect(elevationAt(g, 0.5, 1.5)).toBe(100); // north-west cell centre
    expect(elevationAt(g, 1, 1)).toBe(250);
    expect(elevationAt(g, 5, 5)).toBeNull();
  });

  it('indexes Chinese, pinyin and initials; parses quoted CSV', () => {
    const s = searchText(['宋氏宗祠']);
    expect(s).toContain('宋氏宗祠');
    expect(s).toContain('songshizongci');
    expect(s).toContain('sszc');
    expect(likePatterns('Song Shi')).toContain('%songshi%');
    expect(parseCsv('a,b\r\n"x, ""y""",2\n')).toEqual([['a', 'b'], ['x, "y"', '2']]);
  });
});

describeEachDriver('atlas', (driver) => {
  let t: TestApp;
  let dataDir: string;
  let village: Session;
  let town: Session;
  let admin: Session;
  let resident: Session;
  let yjt: string; // 杨家堂村, the village official's village (三都乡)
  let other: string; // a village in another township
  const base = { type: 'dwelling', era: '清', protectionLevel: 'listed' };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-atlas-'));
    t = await startTestApp(driver, { DATA_DIR: dataDir, LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    [village, town, admin, resident] = await Promise.all(['village', 'town', 'admin', 'resident'].map((u) => signIn(t.app, u)));
    const tree = (await t.app.inject({ url: '/api/v1/county' })).json() as { townships: { nameZh: string; villages: { id: string; nameZh: string }[] }[] };
    yjt = tree.townships.flatMap((x) => x.villages).find((v) => v.nameZh === '杨家堂村')!.id;
    other = tree.townships.find((x) => x.nameZh !== '三都乡')!.villages[0].id;
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const create = (s: Session | null, body: Record<string, unknown>) => as(t.app, s)({ method: 'POST', url: '/api/v1/atlas/buildings', payload: body });

  it('seeds the 78 villages as published profiles with their listing, and 杨家堂村 with a story and buildings', async () => {
    const list = (await t.app.inject({ url: '/api/v1/atlas/villages' })).json();
    expect(list).toHaveLength(78);
    const page = (await t.app.inject({ url: `/api/v1/atlas/villages/${yjt}` })).json();
    expect(page).toMatchObject({ nameZh: '杨家堂村', listingLevel: 'national', listingBatch: 2, published: true, editable: false, altitudeM: 383 });
    // every village's altitude comes from the bundled elevation grid
    expect(list.every((v: { altitudeM: number | null }) => v.altitudeM !== null && v.altitudeM > 100 && v.altitudeM < 1500)).toBe(true);
    expect(page.buildings.map((b: { name: string }) => b.name)).toContain('宋氏宗祠');
    expect(page.culture.map((c: { name: string }) => c.name)).toContain('杨家堂祭祖');
  });

  it('lets the village official record a building in their village, with a footprint polygon, and audits it', async () => {
    const res = await create(village, {
      villageId: yjt,
      name: '黄家大院',
      ...base,
      buildYear: 1888,
      geometry: { type: 'Polygon', coordinates: [[[119.543, 28.4628], [119.5432, 28.4628], [119.5432, 28.463], [119.543, 28.463], [119.543, 28.4628]]] },
    });
    expect(res.statusCode).toBe(201);
    const b = res.json();
    expect(b.lon).toBeCloseTo(119.5431, 6);
    expect(b.lat).toBeCloseTo(28.4629, 6);
    expect(b.namePinyin).toBe('Huangjiadayuan');
    const audit = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from audit_log where action = 'building.create' and entity_id = ${b.id}`);
    expect(audit[0].n).toBe(1);
  });

  it('refuses the village official in another village (403), the resident (403) and the public (401)', async () => {
    const body = { villageId: other, name: '别村老屋', ...base, geometry: { type: 'Point', coordinates: [119.5, 28.4] } };
    expect((await create(village, body)).statusCode).toBe(403);
    expect((await create(resident, { ...body, villageId: yjt })).statusCode).toBe(403);
    expect((await create(null, body)).statusCode).toBe(401);
    // the township official and the county admin are above the village
    expect((await create(town, { ...body, villageId: yjt, name: '乡里登记' })).statusCode).toBe(201);
    expect((await create(admin, body)).statusCode).toBe(201);
  });

  it('bad input: coordinates out of range, a self-intersecting polygon, an unknown enum value — each a 400 naming the problem', async () => {
    const out = await create(village, { villageId: yjt, name: 'x', ...base, geometry: { type: 'Point', coordinates: [119.5, 95] } });
    expect(out.statusCode).toBe(400);
    expect(out.headers['content-type']).toContain('application/problem+json');
    expect(out.json()).toMatchObject({ code: 'invalid_input', field: 'body/geometry/coordinates' });
    expect(out.json().detail).toMatch(/Latitude 95 is out of range/);

    const bowtie = await create(village, { villageId: yjt, name: 'x', ...base, geometry: { type: 'Polygon', coordinates: [[[119.5, 28.4], [119.501, 28.401], [119.501, 28.4], [119.5, 28.401], [119.5, 28.4]]] } });
    expect(bowtie.statusCode).toBe(400);
    expect(bowtie.json().field).toBe('body/geometry/coordinates/0');
    expect(bowtie.json().detail).toMatch(/intersects itself/);

    const kind = await create(village, { villageId: yjt, name: 'x', ...base, type: 'castle', geometry: { type: 'Point', coordinates: [119.5, 28.4] } });
    expect(kind.statusCode).toBe(400);
    expect(kind.json().field).toBe('body/type');
    expect(kind.json().detail).toMatch(/dwelling/);

    const extra = await create(village, { villageId: yjt, name: 'x', ...base, colour: 'red', geometry: { type: 'Point', coordinates: [119.5, 28.4] } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().field).toBe('body/colour');
    const n = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from atlas_buildings where name = 'x'`);
    expect(n[0].n).toBe(0);
  });

  it('converts GCJ-02 input to WGS-84 and can answer in GCJ-02 again', async () => {
    const res = await create(village, { villageId: yjt, name: '火星坐标亭', type: 'pavilion', crs: 'gcj02', geometry: { type: 'Point', coordinates: [119.5476, 28.4601] } });
    expect(res.statusCode).toBe(201);
    expect(Math.abs(res.json().lon - 119.5476)).toBeGreaterThan(0.002);
    const back = (await as(t.app, village)({ url: `/api/v1/atlas/buildings/${res.json().id}?crs=gcj02` })).json();
    expect(back.geometry.coordinates[0]).toBeCloseTo(119.5476, 4);
    expect(back.geometry.coordinates[1]).toBeCloseTo(28.4601, 4);
  });

  it('keeps condition assessments as a dated, append-only history; the latest by date is the current condition', async () => {
    const b = (await create(village, { villageId: yjt, name: '评估老屋', ...base, geometry: { type: 'Point', coordinates: [119.543, 28.463] } })).json();
    const assess = (grade: number, assessedOn: string) =>
      as(t.app, village)({ method: 'POST', url: `/api/v1/atlas/buildings/${b.id}/assessments`, payload: { grade, assessedOn, assessor: '王工' } });
    expect((await assess(4, '2024-03-01')).statusCode).toBe(201);
    expect((await assess(2, '2025-06-01')).statusCode).toBe(201);
    expect((await assess(5, '2020-01-01')).statusCode).toBe(201); // an older survey entered late
    const got = (await t.app.inject({ url: `/api/v1/atlas/buildings/${b.id}` })).json();
    expect(got.condition).toBe(2);
    expect(got.history.map((h: { grade: number }) => h.grade)).toEqual([5, 4, 2]);
    expect(got.history[0]).toMatchObject({ assessedOn: '2020-01-01', assessor: '王工' });
    expect((await assess(6, '2025-01-01')).json().field).toBe('body/grade');
    expect((await assess(3, '2999-01-01')).json().field).toBe('body/assessedOn');
    await expect(t.db.db.execute(sql`update atlas_condition_assessments set grade = 1`)).rejects.toThrow();
    await expect(t.db.db.execute(sql`delete from atlas_condition_assessments`)).rejects.toThrow();
  });

  it('serves the map layer: single buildings when zoomed in, clusters when zoomed out; bad bbox is a 400', async () => {
    const near = (await t.app.inject({ url: '/api/v1/atlas/map/buildings?bbox=119.53,28.45,119.56,28.47&zoom=16' })).json();
    expect(near.clustered).toBe(false);
    expect(near.features.some((f: { properties: { name: string } }) => f.properties.name === '宋氏宗祠')).toBe(true);
    const far = (await t.app.inject({ url: '/api/v1/atlas/map/buildings?bbox=119,28,120,29&zoom=9' })).json();
    expect(far.clustered).toBe(true);
    expect(far.features.reduce((s: number, f: { properties: { count: number } }) => s + f.properties.count, 0)).toBe(far.total);
    const bad = await t.app.inject({ url: '/api/v1/atlas/map/buildings?bbox=119,28,200,29&zoom=9' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('querystring/bbox');
  });

  it('keeps the zoomed-out grid summaries in step with the buildings through inserts, moves and assessments', async () => {
    const b = (await create(admin, { villageId: other, name: '会搬家的亭', type: 'pavilion', geometry: { type: 'Point', coordinates: [119.3, 28.3] } })).json();
    await as(t.app, admin)({ method: 'PATCH', url: `/api/v1/atlas/buildings/${b.id}`, payload: { geometry: { type: 'Point', coordinates: [119.7, 28.6] } } });
    await as(t.app, admin)({ method: 'POST', url: `/api/v1/atlas/buildings/${b.id}/assessments`, payload: { grade: 5, assessedOn: '2025-01-02', assessor: 'x' } });
    const size = 360 / 2 ** 12;
    const raw = await queryRows<{ gx: number; gy: number; n: number; worst: number | null }>(
      t.db.db,
      sql`select floor(lon / ${size})::int as gx, floor(lat / ${size})::int as gy, count(*)::int as n, max(condition)::int as worst from atlas_buildings group by 1, 2 order by 1, 2`,
    );
    const layer = (await t.app.inject({ url: '/api/v1/atlas/map/buildings?bbox=110,20,130,35&zoom=10' })).json();
    const cells = layer.features.map((f: { properties: { count: number; condition: number | null } }) => [f.properties.count, f.properties.condition]).sort();
    expect(cells).toEqual(raw.map((r) => [r.n, r.worst]).sort());
    expect(layer.features.some((f: { properties: { condition: number } }) => f.properties.condition === 5)).toBe(true);
    const filtered = (await t.app.inject({ url: '/api/v1/atlas/map/buildings?bbox=110,20,130,35&zoom=10&type=pavilion' })).json();
    const pavilions = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from atlas_buildings where type = 'pavilion'`);
    expect(filtered.total).toBe(pavilions[0].n);
  });

  it('gives other modules the facts of buildings by id', async () => {
    const [hall] = (await t.app.inject({ url: `/api/v1/atlas/buildings?villageId=${yjt}&q=${encodeURIComponent('宋氏宗祠')}` })).json().items;
    const facts = await getBuildingFacts(t.db.db, [hall.id, '00000000-0000-0000-0000-000000000000']);
    expect(facts.size).toBe(1);
    expect(facts.get(hall.id)).toMatchObject({ name: '宋氏宗祠', villageId: yjt, protectionLevel: 'provincial', type: 'ancestral_hall' });
  });

  it('searches names and descriptions in Chinese, pinyin and initials', async () => {
    const q = async (s: string) => (await t.app.inject({ url: `/api/v1/atlas/search?q=${encodeURIComponent(s)}` })).json();
    expect((await q('宗祠')).buildings.map((b: { name: string }) => b.name)).toContain('宋氏宗祠');
    expect((await q('songshi zongci')).buildings.map((b: { name: string }) => b.name)).toContain('宋氏宗祠');
    expect((await q('SSZC')).buildings.map((b: { name: string }) => b.name)).toContain('宋氏宗祠');
    expect((await q('yinhou')).culture.map((c: { name: string }) => c.name)).toContain('松阳银猴茶制作技艺');
    expect((await q('祭祖')).culture.map((c: { name: string }) => c.name)).toContain('杨家堂祭祖');
    expect((await q('yangjiatang')).villages.map((v: { nameZh: string }) => v.nameZh)).toContain('杨家堂村');
    expect((await q('100%_')).buildings).toEqual([]);
  });

  it('finds villages by name, pinyin with or without spaces, initials, township and story', async () => {
    const villages = async (s: string) =>
      (await t.app.inject({ url: `/api/v1/atlas/villages?q=${encodeURIComponent(s)}` })).json().map((v: { nameZh: string }) => v.nameZh) as string[];
    for (const s of ['杨家堂', 'Yangjiatang', 'yang jia tang', 'yjtc']) expect(await villages(s), s).toContain('杨家堂村');
    const sandu = await villages('三都');
    expect(sandu).toContain('杨家堂村');
    expect(sandu.length).toBeGreaterThan(1);
    expect(await villages('100%_')).toEqual([]);
    // A story written today is found at once, in Chinese and in pinyin.
    expect(await villages('采茶歌会')).toEqual([]);
    const patched = await as(t.app, village)({ method: 'PATCH', url: `/api/v1/atlas/villages/${yjt}`, payload: { story: '每年谷雨有采茶歌会。' } });
    expect(patched.statusCode).toBe(200);
    expect(await villages('采茶歌会')).toEqual(['杨家堂村']);
    expect((await t.app.inject({ url: `/api/v1/atlas/search?q=${encodeURIComponent('采茶歌会')}` })).json().villages.map((v: { nameZh: string }) => v.nameZh)).toEqual(['杨家堂村']);
  });

  it('records living culture in several villages, linked to a building; refuses a building of another village', async () => {
    const [hall] = (await t.app.inject({ url: `/api/v1/atlas/buildings?villageId=${yjt}&q=${encodeURIComponent('宋氏宗祠')}` })).json().items;
    const res = await as(t.app, town)({
      method: 'POST',
      url: '/api/v1/atlas/culture',
      payload: { kind: 'performing_art', name: '松阳高腔', seasons: ['winter', 'spring'], dates: '春节期间', villageIds: [yjt], buildingIds: [hall.id] },
    });
    expect(res.statusCode).toBe(201);
    const list = (await t.app.inject({ url: `/api/v1/atlas/culture?villageId=${yjt}&kind=performing_art` })).json();
    expect(list[0]).toMatchObject({ name: '松阳高腔', seasons: ['winter', 'spring'], buildings: [{ id: hall.id }] });
    const bad = await as(t.app, admin)({ method: 'POST', url: '/api/v1/atlas/culture', payload: { kind: 'craft', name: 'x', villageIds: [other], buildingIds: [hall.id] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('body/buildingIds/0');
    const season = await as(t.app, admin)({ method: 'POST', url: '/api/v1/atlas/culture', payload: { kind: 'craft', name: 'x', villageIds: [yjt], seasons: ['monsoon'] } });
    expect(season.json().field).toBe('body/seasons/0');
  });

  describe('photos', () => {
    let buildingId: string;
    beforeAll(async () => {
      buildingId = (await create(village, { villageId: yjt, name: '有照片的老屋', ...base, geometry: { type: 'Point', coordinates: [119.543, 28.463] } })).json().id;
    });
    const upload = (s: Session | null, file: { name: string; type: string; data: Buffer }, fields: Record<string, string> = {}) =>
      as(t.app, s)({ method: 'POST', url: `/api/v1/atlas/buildings/${buildingId}/photos`, ...multipart(fields, file) });

    it('stores a JPEG through the storage interface with a WebP thumbnail, and serves both', async () => {
      const res = await upload(village, { name: 'house.jpg', type: 'image/jpeg', data: await jpeg() }, { caption: '正立面' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ contentType: 'image/jpeg', width: 800, height: 600, caption: '正立面' });
      const full = await t.app.inject({ url: `/api/v1/atlas/photos/${res.json().id}` });
      expect(full.headers['content-type']).toBe('image/jpeg');
      const thumb = await t.app.inject({ url: `/api/v1/atlas/photos/${res.json().id}?size=thumb` });
      expect(thumb.headers['content-type']).toBe('image/webp');
      expect((await sharp(thumb.rawPayload).metadata()).width).toBe(480);
      const files = fs.readdirSync(path.join(dataDir, 'files'), { recursive: true }).map(String);
      expect(files.some((f) => f.endsWith('-thumb.webp'))).toBe(true);
      const got = (await t.app.inject({ url: `/api/v1/atlas/buildings/${buildingId}` })).json();
      expect(got.photos).toHaveLength(1);
    });

    it('bad input: a mislabelled photo (PNG sent as JPEG) is a 415, a non-image a 415, an oversized photo a 413, each naming the problem', async () => {
      const mislabelled = await upload(village, { name: 'a.jpg', type: 'image/jpeg', data: await png() });
      expect(mislabelled.statusCode).toBe(415);
      expect(mislabelled.json()).toMatchObject({ code: 'photo_mislabelled', field: 'file' });
      expect(mislabelled.json().detail).toMatch(/image\/jpeg.*image\/png/);
      const text = await upload(village, { name: 'a.png', type: 'image/png', data: Buffer.from('<svg onload=alert(1)>') });
      expect(text.statusCode).toBe(415);
      expect(text.json().code).toBe('photo_type');
      const big = Buffer.concat([await jpeg(), Buffer.alloc(10 * 1024 * 1024)]);
      const oversized = await upload(village, { name: 'big.jpg', type: 'image/jpeg', data: big });
      expect(oversized.statusCode).toBe(413);
      expect(oversized.json()).toMatchObject({ code: 'photo_too_large', field: 'file' });
      expect(oversized.json().detail).toMatch(/10 MB/);
      const n = await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from atlas_photos where building_id = ${buildingId}`);
      expect(n[0].n).toBe(1);
    });

    it('refuses uploads without the CSRF header, and from someone who may not edit the village', async () => {
      const body = multipart({}, { name: 'a.png', type: 'image/png', data: await png() });
      const noCsrf = await t.app.inject({ method: 'POST', url: `/api/v1/atlas/buildings/${buildingId}/photos`, payload: body.payload, headers: { ...body.headers, cookie: village.cookie } });
      expect(noCsrf.statusCode).toBe(403);
      expect(noCsrf.json().code).toBe('csrf');
      expect((await upload(resident, { name: 'a.png', type: 'image/png', data: await png() })).statusCode).toBe(403);
    });
  });

  describe('import and export', () => {
    const header = 'village,name,type,era,build_year,protection_level,structure,materials,current_use,owner_type,lon,lat,notes,geometry';
    const line = (i: number) => `杨家堂村,导入民居${i},dwelling,清,1900,none,夯土,黄泥,residence,private,${(119.54 + (i % 100) * 0.0001).toFixed(5)},${(28.46 + Math.floor(i / 100) * 0.0001).toFixed(5)},,`;
    const importFile = (s: Session | null, format: string, data: Buffer, qs = '') =>
      as(t.app, s)({ method: 'POST', url: `/api/v1/atlas/import/buildings?format=${format}${qs}`, ...multipart({}, { name: `f.${format}`, type: 'application/octet-stream', data }) });
    const imported = async () => (await queryRows<{ n: number }>(t.db.db, sql`select count(*)::int as n from atlas_buildings where name like '导入%'`))[0].n;

    it('10,000 CSV rows with one bad row write nothing, and the report names that row and field', async () => {
      const lines = Array.from({ length: 10_000 }, (_, i) => line(i));
      lines[6_200] = lines[6_200].replace(',dwelling,', ',castle,');
      const res = await importFile(admin, 'csv', Buffer.from([header, ...lines].join('\n')));
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'import_invalid', rows: 10_000 });
      expect(res.json().report).toEqual([{ row: 6_202, field: 'type', code: 'unknown_value', reason: expect.stringMatching(/"castle" is not one of/) }]);
      expect(await imported()).toBe(0);
    });

    it('10,000 good CSV rows are all written in one go', async () => {
      const lines = Array.from({ length: 10_000 }, (_, i) => line(i));
      const res = await importFile(admin, 'csv', Buffer.from([header, ...lines].join('\r\n')));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ rows: 10_000, imported: 10_000, report: [] });
      expect(await imported()).toBe(10_000);
    });

    it('reports out-of-range coordinates, unknown villages and villages outside the official’s scope', async () => {
      const rows = [header, line(1).replace('119.54010', '219.5'), line(2).replace('杨家堂村', '不存在村'), line(3).replace('杨家堂村', '陈家铺村')];
      const res = await importFile(village, 'csv', Buffer.from(rows.join('\n')));
      expect(res.statusCode).toBe(422);
      expect(res.json().report.map((e: { row: number; field: string; code: string }) => [e.row, e.field, e.code])).toEqual([
        [2, 'lon', 'out_of_range'],
        [3, 'village', 'unknown_village'],
        [4, 'village', 'not_permitted'],
      ]);
    });

    it('imports GeoJSON with footprints in GCJ-02, reporting a self-intersecting one', async () => {
      const feature = (name: string, ring: number[][]) => ({ type: 'Feature', properties: { village: 'Yangjiatang', name, type: 'temple' }, geometry: { type: 'Polygon', coordinates: [ring] } });
      const good = [[119.55, 28.46], [119.5502, 28.46], [119.5502, 28.4602], [119.55, 28.46]];
      const bad = [[119.55, 28.46], [119.5502, 28.4602], [119.5502, 28.46], [119.55, 28.4602], [119.55, 28.46]];
      const fc = (fs: unknown[]) => Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: fs }));
      const res = await importFile(village, 'geojson', fc([feature('导入庙一', good), feature('导入庙二', bad)]), '&crs=gcj02');
      expect(res.statusCode).toBe(422);
      expect(res.json().report).toEqual([expect.objectContaining({ row: 2, field: 'geometry/coordinates/0', code: 'invalid_geometry' })]);
      const ok = await importFile(village, 'geojson', fc([feature('导入庙一', good)]), '&crs=gcj02');
      expect(ok.json().imported).toBe(1);
    });

    it('imports XLSX, and exports to GeoJSON, CSV and XLSX', async () => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('s');
      ws.addRow(header.split(','));
      ws.addRow(line(20_001).split(','));
      ws.addRow(line(20_002).split(',').map((c, i) => (i === 2 ? 'palace' : c)));
      const bad = await importFile(village, 'xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
      expect(bad.statusCode).toBe(422);
      expect(bad.json().report[0]).toMatchObject({ row: 3, field: 'type' });
      ws.spliceRows(3, 1);
      const good = await importFile(village, 'xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
      expect(good.json().imported).toBe(1);

      const geo = await t.app.inject({ url: `/api/v1/atlas/export/buildings?format=geojson&villageId=${yjt}` });
      expect(geo.headers['content-type']).toContain('application/geo+json');
      expect(geo.json().features.some((f: { properties: { name: string } }) => f.properties.name === '宋氏宗祠')).toBe(true);
      const csv = await t.app.inject({ url: `/api/v1/atlas/export/buildings?format=csv&villageId=${yjt}` });
      expect(csv.body).toContain('宋氏宗祠');
      const xlsx = await t.app.inject({ url: `/api/v1/atlas/export/buildings?format=xlsx&villageId=${yjt}` });
      const back = new ExcelJS.Workbook();
      await back.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      expect(back.worksheets[0].rowCount).toBeGreaterThan(3);
      // what was exported imports again (round trip), here as a dry run
      const again = await importFile(admin, 'csv', Buffer.from(csv.body), '&dryRun=true');
      expect(again.statusCode).toBe(200);
      expect(again.json().report).toEqual([]);
    });
  });

  it('publication: an unpublished village and its records are hidden from the public but not from its officials', async () => {
    const publish = (s: Session, published: boolean) => as(t.app, s)({ method: 'PATCH', url: `/api/v1/atlas/villages/${yjt}`, payload: { published } });
    expect((await publish(village, false)).statusCode).toBe(403); // publishing is for the township and the county
    expect((await publish(town, false)).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/v1/atlas/villages/${yjt}` })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/atlas/villages' })).json()).toHaveLength(77);
    expect((await t.app.inject({ url: '/api/v1/atlas/search?q=宋氏宗祠' })).json().buildings).toEqual([]);
    // The same searches by its officials (the village's own, the township's) still find it, in Chinese, pinyin and initials.
    const publicSearch = (await t.app.inject({ url: `/api/v1/atlas/search?q=${encodeURIComponent('yangjiatang')}` })).json();
    expect(publicSearch.villages).toEqual([]);
    expect(publicSearch.culture.map((c: { name: string }) => c.name)).not.toContain('杨家堂祭祖');
    expect((await t.app.inject({ url: `/api/v1/atlas/villages?q=yjtc` })).json()).toEqual([]);
    for (const s of [village, town]) {
      const found = (await as(t.app, s)({ url: `/api/v1/atlas/search?q=${encodeURIComponent('yangjiatang')}` })).json();
      expect(found.villages.map((v: { nameZh: string }) => v.nameZh)).toEqual(['杨家堂村']);
      expect(found.culture.map((c: { name: string }) => c.name)).toContain('杨家堂祭祖');
      expect((await as(t.app, s)({ url: `/api/v1/atlas/search?q=SSZC` })).json().buildings.map((b: { name: string }) => b.name)).toContain('宋氏宗祠');
      expect((await as(t.app, s)({ url: `/api/v1/atlas/villages?q=yjtc` })).json().map((v: { nameZh: string; editable: boolean }) => [v.nameZh, v.editable])).toEqual([['杨家堂村', true]]);
    }
    const mine = await as(t.app, village)({ url: `/api/v1/atlas/villages/${yjt}` });
    expect(mine.json()).toMatchObject({ published: false, editable: true });
    const story = await as(t.app, village)({ method: 'PATCH', url: `/api/v1/atlas/villages/${yjt}`, payload: { story: '新的故事', residentPopulation: 150 } });
    expect(story.json()).toMatchObject({ story: '新的故事', residentPopulation: 150 });
    expect((await publish(admin, true)).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/v1/atlas/villages/${yjt}` })).json().story).toBe('新的故事');
  });
});
