// Uploaded drawings and photos of a proposal: who may attach them at which stage, storing, serving.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { storeImage, storeImageOrPdf } from '../../server/images.ts';
import { badRequest, conflict, forbidden, notFound } from '../../server/problems.ts';
import type { FileStorage } from '../../server/storage.ts';
import { recordAudit } from '../../server/audit.ts';
import { authorize, requireActor, type Actor } from '../governance/index.ts';
import { fileColumns } from './service.ts';
import { interventionFiles, type FileKind, type FilePhase, type Status } from './schema.ts';
import { loadVisible } from './service.ts';

/** The statuses in which a file of each phase may be attached. `proposal` files are the proposer's, the rest the executing officials'. */
const PHASE_STATUSES: Record<FilePhase, Status[]> = {
  proposal: ['draft'],
  progress: ['funded', 'in_progress'],
  before: ['funded', 'in_progress', 'completed'],
  after: ['in_progress', 'completed'],
};

/**
 * Attaches a file. While a draft only its proposer attaches drawings and photos (phase `proposal`); once funded the
 * village, township or county officials attach progress photos and before/after photos. Images go through
 * `storeImage`; a drawing may also be a PDF (by its `%PDF-` signature), at most 10 MB.
 */
export async function addFile(
  db: Db,
  storage: FileStorage,
  actor: Actor | null,
  id: string,
  input: { kind: FileKind; phase: FilePhase; caption: string; data: Buffer; declaredType: string },
) {
  const who = requireActor(actor);
  const p = await loadVisible(db, who, id);
  if (input.phase === 'proposal') {
    if (p.proposerId !== who.id) throw forbidden('Only the proposer attaches drawings and photos to the proposal');
  } else {
    await authorize(db, who, 'interventions.execute', { unitId: p.villageId });
    if (input.kind !== 'photo') throw badRequest('kind', 'During the works only photos are attached');
  }
  if (!PHASE_STATUSES[input.phase].includes(p.status))
    throw conflict('wrong_stage', `A ${input.phase} file is attached while the proposal is ${PHASE_STATUSES[input.phase].join(' or ')}; it is ${p.status}`, { field: 'phase', current: p.status });

  // A drawing may be a PDF; photos are images.
  const stored = input.kind === 'drawing' ? await storeImageOrPdf(storage, 'interventions', input) : await storeImage(storage, 'interventions', input);
  try {
    return await db.transaction(async (tx) => {
      const [f] = await tx
        .insert(interventionFiles)
        .values({ countyId: p.countyId, interventionId: id, kind: input.kind, phase: input.phase, caption: input.caption, uploadedBy: who.id, ...stored })
        .returning(fileColumns);
      await recordAudit(tx, who, { action: 'intervention.file.add', entity: 'intervention', entityId: id, details: { fileId: f.id, kind: f.kind, phase: f.phase, bytes: f.bytes } });
      return { ...f, hasThumb: !!f.hasThumb };
    });
  } catch (error) {
    await Promise.all([storage.delete(stored.storageKey), stored.thumbKey ? storage.delete(stored.thumbKey) : null]);
    throw error;
  }
}

/** A file's bytes, to those who may see its proposal. */
export async function getFile(db: Db, storage: FileStorage, actor: Actor | null, fileId: string, size: 'thumb' | 'full') {
  const [f] = await db.select().from(interventionFiles).where(eq(interventionFiles.id, fileId));
  if (!f) throw notFound('File');
  await loadVisible(db, actor, f.interventionId).catch(() => {
    throw notFound('File');
  });
  const key = size === 'thumb' && f.thumbKey ? f.thumbKey : f.storageKey;
  const data = await storage.get(key);
  if (!data) throw notFound('File');
  return { data, contentType: key === f.thumbKey ? 'image/webp' : f.contentType };
}
