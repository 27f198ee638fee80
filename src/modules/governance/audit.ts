import type { Db } from '../../db/handle.ts';
import { auditLog } from './schema.ts';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

/** Appends an audit row; call it with the transaction that makes the change, so both commit or neither. */
export async function recordAudit(
  tx: Db,
  actor: { id: string | null; countyId: string | null } | null,
  entry: AuditEntry,
): Promise<void> {
  await tx.insert(auditLog).values({
    countyId: actor?.countyId ?? null,
    actorId: actor?.id ?? null,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId ?? null,
    details: entry.details ?? {},
  });
}
