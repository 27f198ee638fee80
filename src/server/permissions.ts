/**
 * Which roles may do what: one registry that every module adds its permissions to through its manifest, and that
 * the permission check reads. A permission nobody registered is a programming error, not a refusal.
 */
const registry = new Map<string, readonly string[]>();

export function registerPermissions(owner: string, permissions: Record<string, readonly string[]>): void {
  for (const [name, roles] of Object.entries(permissions)) {
    const existing = registry.get(name);
    if (existing && existing.join() !== roles.join()) throw new Error(`Permission ${name} (module ${owner}) is already registered with other roles`);
    registry.set(name, roles);
  }
}

/** The roles that carry a permission. */
export function rolesWith(permission: string): readonly string[] {
  const roles = registry.get(permission);
  if (!roles) throw new Error(`Unknown permission ${permission}: no module registered it`);
  return roles;
}

export const registeredPermissions = (): ReadonlyMap<string, readonly string[]> => registry;
