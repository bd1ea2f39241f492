// What each role may do, as the dashboard API enforces it (dashboard_api/auth/deps.py: `require`):
// the UI disables what a role may not do instead of letting the API refuse it.
export type Role = "owner" | "admin" | "member" | "viewer";

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export function atLeast(role: string | undefined, needed: Role): boolean {
  return role !== undefined && role in RANK && RANK[role as Role] >= RANK[needed];
}

/** The actions the dashboard offers, and the least role each needs. */
export const NEEDS = {
  writeCatalog: "member", // customers, SKUs and prices
  retryExport: "admin",
  manageKeys: "admin",
  manageMembers: "admin",
  manageSettings: "admin",
} as const satisfies Record<string, Role>;

export type Action = keyof typeof NEEDS;

export function can(role: string | undefined, action: Action): boolean {
  return atLeast(role, NEEDS[action]);
}

/** Why a control is disabled for this role, or undefined when the role may use it. */
export function deniedReason(role: string | undefined, action: Action): string | undefined {
  return can(role, action) ? undefined : `Needs the ${NEEDS[action]} role or higher; you are ${role ?? "not signed in"}.`;
}
