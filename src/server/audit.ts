import type { Db } from '../db/handle.ts';
import { auditLog } from '../db/schema.ts';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

/** Who made a change: a person (their id) or the platform itself (a job, the seed: id null). */
export interface AuditActor {
  id: string | null;
  countyId: string | null;
}

/** Appends an audit row; call it with the transaction that makes the change, so both commit or neither. */
export async function recordAudit(tx: Db, actor: AuditActor | null, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    countyId: actor?.countyId ?? null,
    actorId: actor?.id ?? null,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId ?? null,
    details: entry.details ?? {},
  });
}
