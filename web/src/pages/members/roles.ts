// Who may change whom, as billbo/members/service.py decides it: admins manage admins, members and
// viewers; only owners grant, change or remove the owner role; the last owner stays an owner.
import type { Schemas } from "@/api/client";
import { deniedReason } from "@/auth/permissions";

export type Role = Schemas["Member"]["role"];

export const ROLE_LABELS: Record<Role, string> = { viewer: "Viewer", member: "Member", admin: "Admin", owner: "Owner" };

/** The roles `actor` may give, lowest first: the owner role only by an owner. */
export function grantableRoles(actor: string): Role[] {
  return actor === "owner" ? ["viewer", "member", "admin", "owner"] : ["viewer", "member", "admin"];
}

/**
 * Why `actor` may not change the role of, or remove, `member`; undefined when they may.
 * `owners` is how many owners the organisation has.
 */
export function memberLock(actor: Schemas["Me"], member: Schemas["Member"], owners: number): string | undefined {
  const denied = deniedReason(actor.role, "manageMembers");
  if (denied) return denied;
  if (member.role === "owner" && actor.role !== "owner") return "Only an owner can change or remove an owner.";
  if (member.role === "owner" && owners <= 1) {
    return member.user_id === actor.user_id
      ? "You are the last owner: make someone else owner first."
      : "The last owner cannot be removed or demoted.";
  }
  return undefined;
}
