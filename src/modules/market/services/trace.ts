import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/handle.ts';
import { storeImageOrPdf } from '../../../server/images.ts';
import { badRequest, conflict, notFound } from '../../../server/problems.ts';
import type { FileStorage } from '../../../server/storage.ts';
import { recordAudit } from '../../../server/audit.ts';
import { authorize, type Actor } from '../../governance/index.ts';
import { getUnit } from '../../governance/index.ts';
import { marketBatches, marketGardens, marketProducts, marketTraceDocuments, marketTraceEvents, marketVariants, type TraceKind } from '../schema.ts';
import { digitalLinkPath, eventHash, sha256Hex, verifyChain } from '../trace.ts';
import { productInScope } from './catalogue.ts';
import { displayPinyin } from '../../../db/search-text.ts';
import { producerOf } from './producers.ts';

// ---------------------------------------------------------------- gardens, batches, trace

export async function createGarden(
  db: Db,
  actor: Actor | null,
  input: { orgId: string; villageId: string; name: string; lon?: number | null; lat?: number | null; altitudeM?: number | null },
) {
  const who = await authorize(db, actor, 'market.sell', { orgId: input.orgId });
  const village = await getUnit(db, input.villageId).catch(() => null);
  if (!village || village.level !== 'village') throw badRequest('body/villageId', 'Not a village');
  return db.transaction(async (tx) => {
    const [g] = await tx
      .insert(marketGardens)
      .values({ countyId: who.countyId, orgId: input.orgId, villageId: input.villageId, name: input.name, lon: input.lon ?? null, lat: input.lat ?? null, altitudeM: input.altitudeM ?? null })
      .returning();
    await recordAudit(tx, who, { action: 'garden.create', entity: 'market_garden', entityId: g.id, details: { name: g.name } });
    return g;
  });
}

export async function listGardens(db: Db, orgId: string) {
  return db.select().from(marketGardens).where(eq(marketGardens.orgId, orgId)).orderBy(asc(marketGardens.name));
}

export async function createBatch(
  db: Db,
  actor: Actor | null,
  input: { productId: string; lot: string; gardenId?: string | null; harvestDate?: string | null; quantity: number; notes?: string; current?: boolean },
) {
  const { who, product } = await productInScope(db, actor, input.productId);
  if (input.gardenId) {
    const [g] = await db.select({ orgId: marketGardens.orgId }).from(marketGardens).where(eq(marketGardens.id, input.gardenId));
    if (!g || g.orgId !== product.orgId) throw badRequest('body/gardenId', 'Not a garden of this producer');
  }
  return db.transaction(async (tx) => {
    const [dup] = await tx
      .select({ id: marketBatches.id })
      .from(marketBatches)
      .where(and(eq(marketBatches.productId, product.id), eq(marketBatches.lot, input.lot)));
    if (dup) throw conflict('lot_taken', 'This product already has a batch with that lot number', { field: 'body/lot' });
    const [batch] = await tx
      .insert(marketBatches)
      .values({
        countyId: product.countyId,
        orgId: product.orgId,
        productId: product.id,
        gardenId: input.gardenId ?? null,
        lot: input.lot,
        harvestDate: input.harvestDate ?? null,
        quantity: input.quantity,
        notes: input.notes ?? '',
      })
      .returning();
    if (input.current !== false) await tx.update(marketVariants).set({ batchId: batch.id }).where(eq(marketVariants.productId, product.id));
    await recordAudit(tx, who, { action: 'batch.create', entity: 'market_batch', entityId: batch.id, details: { lot: batch.lot } });
    return batch;
  });
}

export async function listBatches(db: Db, orgId: string) {
  return db
    .select({
      id: marketBatches.id,
      lot: marketBatches.lot,
      productId: marketBatches.productId,
      productName: marketProducts.name,
      productNameEn: marketProducts.nameEn,
      gtin: marketProducts.gtin,
      harvestDate: marketBatches.harvestDate,
      quantity: marketBatches.quantity,
      eventCount: marketBatches.eventCount,
    })
    .from(marketBatches)
    .innerJoin(marketProducts, eq(marketProducts.id, marketBatches.productId))
    .where(eq(marketBatches.orgId, orgId))
    .orderBy(desc(marketBatches.createdAt))
    .then((rows) => rows.map((r) => ({ ...r, productNamePinyin: displayPinyin(r.productName) })));
}

export interface TraceEventInput {
  kind: TraceKind;
  occurredAt: Date;
  operator?: string;
  notes?: string;
  documentTitle?: string | null;
  documentUrl?: string | null;
  /** An uploaded document of this batch (addTraceDocument): its title, link and sha256 go into the event. */
  documentId?: string | null;
  /** Where it happened: a village of the county (its position unless lon/lat are given) and/or a WGS-84 point. */
  placeUnitId?: string | null;
  lon?: number | null;
  lat?: number | null;
}

/** The place of an event as stored: a village of the actor's county, a position (the village's when none is given). */
async function resolvePlace(db: Db, countyId: string, input: TraceEventInput) {
  if ((input.lon == null) !== (input.lat == null)) throw badRequest(input.lon == null ? 'body/lon' : 'body/lat', 'Give both longitude and latitude, or neither');
  if (!input.placeUnitId) return { placeUnitId: null, placeLon: input.lon ?? null, placeLat: input.lat ?? null };
  const notVillage = () => badRequest('body/placeUnitId', 'Not a village of this county');
  const village = await getUnit(db, input.placeUnitId).catch(() => {
    throw notVillage();
  });
  const township = village.parentId ? await getUnit(db, village.parentId) : null;
  if (village.level !== 'village' || township?.parentId !== countyId) throw notVillage();
  return { placeUnitId: village.id, placeLon: input.lon ?? village.lon, placeLat: input.lat ?? village.lat };
}

/** The public address of an uploaded trace document. */
export const traceDocumentUrl = (id: string) => `/api/v1/market/trace-documents/${id}`;

/** Appends one event to a batch's chain, with the batch row locked so two appends cannot share a predecessor. */
export async function appendEventTx(tx: Db, batchId: string, input: TraceEventInput, recordedBy: string | null) {
  const [batch] = await tx.select().from(marketBatches).where(eq(marketBatches.id, batchId)).for('update');
  if (!batch) throw notFound('Batch');
  let document: typeof marketTraceDocuments.$inferSelect | undefined;
  if (input.documentId) {
    [document] = await tx.select().from(marketTraceDocuments).where(eq(marketTraceDocuments.id, input.documentId));
    if (!document || document.batchId !== batchId) throw badRequest('body/documentId', 'No such document of this batch');
  }
  const event = {
    batchId,
    seq: batch.eventCount + 1,
    kind: input.kind,
    occurredAt: new Date(Math.floor(input.occurredAt.getTime())),
    operator: input.operator ?? '',
    notes: input.notes ?? '',
    documentTitle: input.documentTitle ?? document?.title ?? null,
    documentUrl: document ? traceDocumentUrl(document.id) : (input.documentUrl ?? null),
    documentId: document?.id ?? null,
    documentSha256: document?.sha256 ?? null,
    ...(await resolvePlace(tx, batch.countyId, input)),
  };
  const hash = eventHash(batch.headHash, event);
  const [row] = await tx.insert(marketTraceEvents).values({ countyId: batch.countyId, ...event, prevHash: batch.headHash, hash, recordedBy }).returning();
  await tx.update(marketBatches).set({ headHash: hash, eventCount: event.seq }).where(eq(marketBatches.id, batchId));
  return row;
}

export async function appendTraceEvent(db: Db, actor: Actor | null, batchId: string, input: TraceEventInput) {
  const [b] = await db.select({ orgId: marketBatches.orgId }).from(marketBatches).where(eq(marketBatches.id, batchId));
  if (!b) throw notFound('Batch');
  const who = await authorize(db, actor, 'market.sell', { orgId: b.orgId });
  return db.transaction(async (tx) => {
    const row = await appendEventTx(tx, batchId, input, who.id);
    await recordAudit(tx, who, { action: 'trace.append', entity: 'market_batch', entityId: batchId, details: { seq: row.seq, kind: row.kind } });
    return row;
  });
}

/**
 * Stores a certificate or test report of a batch (PDF or image, 413/415 as for photos) with the sha256 of its
 * bytes, for a trace event to cite (`documentId`); the producer's market.sell permission.
 */
export async function addTraceDocument(
  db: Db,
  storage: FileStorage,
  actor: Actor | null,
  batchId: string,
  file: { title: string; data: Buffer; declaredType: string },
) {
  const [b] = await db.select({ orgId: marketBatches.orgId, countyId: marketBatches.countyId }).from(marketBatches).where(eq(marketBatches.id, batchId));
  if (!b) throw notFound('Batch');
  const who = await authorize(db, actor, 'market.sell', { orgId: b.orgId });
  // No thumbnail: the trace page links to the document itself.
  const stored = await storeImageOrPdf(storage, 'market', file, { thumbnail: false });
  try {
    return await db.transaction(async (tx) => {
      const [d] = await tx
        .insert(marketTraceDocuments)
        .values({ countyId: b.countyId, batchId, title: file.title, storageKey: stored.storageKey, contentType: stored.contentType, bytes: stored.bytes, sha256: sha256Hex(file.data), uploadedBy: who.id })
        .returning();
      await recordAudit(tx, who, { action: 'trace.document.add', entity: 'market_batch', entityId: batchId, details: { documentId: d.id, bytes: d.bytes, sha256: d.sha256 } });
      return { id: d.id, title: d.title, contentType: d.contentType, bytes: d.bytes, sha256: d.sha256, url: traceDocumentUrl(d.id) };
    });
  } catch (error) {
    await storage.delete(stored.storageKey);
    throw error;
  }
}

/** A trace document's bytes (public, like the trace page). */
export async function getTraceDocument(db: Db, storage: FileStorage, id: string) {
  const [d] = await db.select().from(marketTraceDocuments).where(eq(marketTraceDocuments.id, id));
  if (!d) throw notFound('Document');
  const data = await storage.get(d.storageKey);
  if (!data) throw notFound('Document file');
  return { data, contentType: d.contentType };
}

/**
 * The public trace page: the batch, where it grew, every event in order, and whether the chain verifies — and,
 * for each uploaded document, whether the stored file still has the sha256 the chain recorded.
 */
export async function getTrace(db: Db, storage: FileStorage, batchId: string) {
  const [batch] = await db.select().from(marketBatches).where(eq(marketBatches.id, batchId));
  if (!batch) throw notFound('Batch');
  const [product] = await db.select().from(marketProducts).where(eq(marketProducts.id, batch.productId));
  const org = await producerOf(db, batch.orgId);
  let garden = null;
  if (batch.gardenId) {
    const [g] = await db.select().from(marketGardens).where(eq(marketGardens.id, batch.gardenId));
    const village = await getUnit(db, g.villageId);
    garden = { name: g.name, lon: g.lon, lat: g.lat, altitudeM: g.altitudeM, village: village.nameZh, villagePinyin: village.namePinyin, villageLon: village.lon, villageLat: village.lat };
  }
  const events = await db.select().from(marketTraceEvents).where(eq(marketTraceEvents.batchId, batchId)).orderBy(asc(marketTraceEvents.seq));
  const verification = verifyChain(events, batch.headHash, batch.eventCount);
  const documents = new Map(
    (await db.select({ id: marketTraceDocuments.id, storageKey: marketTraceDocuments.storageKey }).from(marketTraceDocuments).where(eq(marketTraceDocuments.batchId, batchId))).map(
      (d) => [d.id, d.storageKey],
    ),
  );
  const documentChecks = new Map<string, boolean>();
  for (const e of events) {
    if (!e.documentId) continue;
    const key = documents.get(e.documentId);
    const data = key ? await storage.get(key) : null;
    documentChecks.set(e.id, data !== null && sha256Hex(data) === e.documentSha256);
  }
  // Where each event happened: its village's names, its position.
  const villages = new Map<string, { nameZh: string; namePinyin: string }>();
  for (const id of new Set(events.flatMap((e) => (e.placeUnitId ? [e.placeUnitId] : [])))) villages.set(id, await getUnit(db, id));
  const placeOf = (e: (typeof events)[number]) =>
    e.placeLon == null || e.placeLat == null
      ? null
      : { unitId: e.placeUnitId, name: e.placeUnitId ? villages.get(e.placeUnitId)!.nameZh : null, namePinyin: e.placeUnitId ? villages.get(e.placeUnitId)!.namePinyin : null, lon: e.placeLon, lat: e.placeLat };
  // The journey on the map: the garden, then where the events happened, in their order (one point for events in a row
  // at one place). A batch whose events have no place: the garden, its village and the county seat it ships from.
  const gardenPoint = garden && garden.lon != null && garden.lat != null ? [{ id: 'garden', name: garden.name, namePinyin: null, kind: null, lon: garden.lon, lat: garden.lat }] : [];
  const placed = events.flatMap((e) => {
    const p = placeOf(e);
    return p ? [{ id: `event-${e.seq}`, name: p.name ?? '', namePinyin: p.namePinyin, kind: e.kind as TraceKind | null, lon: p.lon, lat: p.lat }] : [];
  });
  let journey;
  if (placed.length) {
    journey = [...gardenPoint, ...placed].filter((p, i, all) => i === 0 || p.lon !== all[i - 1].lon || p.lat !== all[i - 1].lat);
  } else {
    const county = await getUnit(db, batch.countyId);
    journey = [
      ...gardenPoint,
      garden && garden.villageLon != null && garden.villageLat != null ? { id: 'village', name: garden.village, namePinyin: garden.villagePinyin, kind: null, lon: garden.villageLon, lat: garden.villageLat } : null,
      county.lon != null && county.lat != null ? { id: 'county', name: county.nameZh, namePinyin: county.namePinyin, kind: null, lon: county.lon, lat: county.lat } : null,
    ].filter((p) => p !== null);
  }
  return {
    batch: { id: batch.id, lot: batch.lot, harvestDate: batch.harvestDate, quantity: batch.quantity, notes: batch.notes },
    product: { id: product.id, name: product.name, nameEn: product.nameEn, namePinyin: displayPinyin(product.name), kind: product.kind, variety: product.variety, grade: product.grade, season: product.season, gtin: product.gtin },
    producer: { id: org.id, name: org.name, village: org.unitName },
    garden,
    digitalLink: digitalLinkPath(product.gtin, batch.lot),
    journey,
    events: events.map((e) => ({
      seq: e.seq,
      kind: e.kind,
      occurredAt: e.occurredAt,
      operator: e.operator,
      notes: e.notes,
      documentTitle: e.documentTitle,
      documentUrl: e.documentUrl,
      documentSha256: e.documentSha256,
      /** Uploaded documents only: the stored file's sha256 is the one the chain recorded. */
      documentVerified: documentChecks.get(e.id) ?? null,
      place: placeOf(e),
      hash: e.hash,
      prevHash: e.prevHash,
    })),
    verification,
  };
}

/** GS1 Digital Link resolution: (GTIN, lot) → the batch. */
export async function resolveDigitalLink(db: Db, gtin: string, lot: string) {
  const [row] = await db
    .select({ id: marketBatches.id })
    .from(marketBatches)
    .innerJoin(marketProducts, eq(marketProducts.id, marketBatches.productId))
    .where(and(eq(marketProducts.gtin, gtin), eq(marketBatches.lot, lot)));
  if (!row) throw notFound('Batch');
  return { batchId: row.id };
}

export async function batchLink(db: Db, batchId: string) {
  const [row] = await db
    .select({ gtin: marketProducts.gtin, lot: marketBatches.lot })
    .from(marketBatches)
    .innerJoin(marketProducts, eq(marketProducts.id, marketBatches.productId))
    .where(eq(marketBatches.id, batchId));
  if (!row) throw notFound('Batch');
  return digitalLinkPath(row.gtin, row.lot);
}
