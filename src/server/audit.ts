import type { Db } from '../db/handle.ts';
import { auditLog } from '../db/schema.ts';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  /** The admin unit the change belongs to; when absent, the `unitId` or `villageId` named in the details. */
  unitId?: string | null;
  /** What the reader needs to understand the change; `before`/`after` (or `from`/`to`) are shown side by side. */
  details?: Record<string, unknown>;
}

/** Who made a change: a person (their id) or the platform itself (a job, the seed: id null). */
export interface AuditActor {
  id: string | null;
  countyId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function unitOf(entry: AuditEntry): string | null {
  if (entry.unitId) return entry.unitId;
  for (const key of ['unitId', 'villageId']) {
    const v = entry.details?.[key];
    if (typeof v === 'string' && UUID.test(v)) return v;
  }
  return entry.entity === 'admin_unit' && entry.entityId && UUID.test(entry.entityId) ? entry.entityId : null;
}

/** Appends an audit row; call it with the transaction that makes the change, so both commit or neither. */
export async function recordAudit(tx: Db, actor: AuditActor | null, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    countyId: actor?.countyId ?? null,
    actorId: actor?.id ?? null,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId ?? null,
    unitId: unitOf(entry),
    details: entry.details ?? {},
  });
}

/** The fields that differ between two versions of a record, as the before/after pair an audit row shows. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (after[key] === undefined) continue;
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    b[key] = before[key];
    a[key] = after[key];
  }
  return { before: b, after: a };
}
