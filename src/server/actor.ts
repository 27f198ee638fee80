/** A role held on an admin unit (inherited downward) or on an organization. Roles are governance's words. */
export interface Grant {
  id: string;
  role: string;
  unitId: string | null;
  orgId: string | null;
}

/** The signed-in user as the kernel and every module see them (resolved from the session by the accounts module). */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  countyId: string;
  locale: string;
  grants: Grant[];
}
