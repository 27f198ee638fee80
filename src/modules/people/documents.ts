// The documents a programme asks for (an ID card, a business plan, a lease): the applicant attaches each, as an image
// or a PDF, while the application is under review; the applicant and the reviewers in scope read them.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/handle.ts';
import { recordAudit } from '../../server/audit.ts';
import { storeImageOrPdf } from '../../server/images.ts';
import { badRequest, forbidden, notFound, refusedTransition } from '../../server/problems.ts';
import type { FileStorage } from '../../server/storage.ts';
import { requireActor, type Actor } from '../governance/index.ts';
import { getApplication, loadApplication } from './programmes.ts';
import { applicationDocuments, type ApplicationStatus } from './schema.ts';

const UNDER_REVIEW: ApplicationStatus[] = ['submitted', 'village_approved', 'township_approved'];

export async function addApplicationDocument(db: Db, storage: FileStorage, actor: Actor | null, applicationId: string, input: { name: string; data: Buffer; declaredType: string }) {
  const who = requireActor(actor);
  const row = await loadApplication(db, who.countyId, applicationId);
  if (row.applicantUser !== who.id) throw forbidden('Only the applicant attaches documents to an application');
  if (!row.p.documents.includes(input.name)) throw badRequest('name', `The programme asks for: ${row.p.documents.join(', ') || 'no documents'}`);
  if (!UNDER_REVIEW.includes(row.a.status)) throw refusedTransition(`Documents are attached while the application is under review; it is ${row.a.status}`, row.a.status);
  const stored = await storeImageOrPdf(storage, 'people', input, { thumbnail: false });
  try {
    return await db.transaction(async (tx) => {
      const [d] = await tx
        .insert(applicationDocuments)
        .values({ countyId: who.countyId, applicationId, name: input.name, storageKey: stored.storageKey, thumbKey: null, contentType: stored.contentType, bytes: stored.bytes, uploadedBy: who.id })
        .returning({ id: applicationDocuments.id, name: applicationDocuments.name, contentType: applicationDocuments.contentType, bytes: applicationDocuments.bytes });
      await recordAudit(tx, who, { action: 'people.application.document_add', entity: 'people_application', entityId: applicationId, details: { documentId: d.id, name: d.name, bytes: d.bytes, villageId: row.a.villageId } });
      return d;
    });
  } catch (error) {
    await storage.delete(stored.storageKey).catch(() => {});
    throw error;
  }
}

/** A document's bytes, for the applicant and the reviewers who may read the application. */
export async function getApplicationDocument(db: Db, storage: FileStorage, actor: Actor | null, documentId: string) {
  const who = requireActor(actor);
  const [d] = await db.select().from(applicationDocuments).where(and(eq(applicationDocuments.countyId, who.countyId), eq(applicationDocuments.id, documentId)));
  if (!d) throw notFound('Document');
  await getApplication(db, who, d.applicationId);
  const data = await storage.get(d.storageKey);
  if (!data) throw notFound('Document file');
  return { data, contentType: d.contentType, name: d.name };
}
