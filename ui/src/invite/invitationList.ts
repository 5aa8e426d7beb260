// The rules behind the 邀约名单 tab, the invite dialogs and the store list's bulk invite.
// The core decides (invitation::transition); these only keep the window from offering what it would refuse.
import { INVITATION_MOVES, INVITATION_MOVES_ARRIVED } from "../api/rules.gen";
import type {
  Contact,
  Invitation,
  InvitationBatchResult,
  InvitationQuery,
  InvitationStatus,
  SkipReason,
  SkippedStore,
  Staff,
} from "../api/types.gen";

export const STATUSES: InvitationStatus[] = ["invited", "confirmed", "declined", "cancelled"];

/** The statuses an invitation may move to: the core's transition rules, generated into rules.gen.ts. */
export function nextStatuses(inv: Pick<Invitation, "status" | "arrived">): InvitationStatus[] {
  return [...(inv.arrived ? INVITATION_MOVES_ARRIVED : INVITATION_MOVES)[inv.status]];
}

export function canMove(inv: Pick<Invitation, "status" | "arrived">, to: InvitationStatus): boolean {
  return nextStatuses(inv).includes(to);
}

/** Which of the selected invitations a bulk change applies to, and how many it leaves out. */
export function bulkPlan(selected: Pick<Invitation, "id" | "status" | "arrived">[], to: InvitationStatus): { ids: number[]; left: number } {
  const ids = selected.filter((inv) => canMove(inv, to)).map((inv) => inv.id);
  return { ids, left: selected.length - ids.length };
}

/** Contacts that can be invited: personal data erased means the person is gone. */
export function invitableContacts(contacts: Contact[]): Contact[] {
  return contacts.filter((c) => !c.erased);
}

/**
 * Who comes by default: the money-holder (老板娘) where the store has one, else the owner, else the first
 * contact — the same choice the core makes for a batch.
 */
export function defaultGuestIds(contacts: Contact[]): number[] {
  const live = invitableContacts(contacts);
  const pick = live.find((c) => c.role === "owner_spouse") ?? live.find((c) => c.role === "owner") ?? live[0];
  return pick ? [pick.id] : [];
}

/** Staff who can own an invitation: active, with the inviter role. */
export function inviterOptions(staff: Staff[]): Staff[] {
  return staff.filter((s) => s.active && s.roles.includes("inviter"));
}

export interface ListFilters {
  status: InvitationStatus | "" | null;
  inviterId: number | null;
  q: string;
}

/** The filters as `invitations.list` takes them: empty means "all". */
export function listQuery(seminarId: number, f: ListFilters): InvitationQuery {
  return {
    seminar_id: seminarId,
    status: f.status || null,
    inviter_id: f.inviterId ?? null,
    q: f.q.trim() || null,
  };
}

export function filtersActive(f: ListFilters): boolean {
  return !!f.status || f.inviterId != null || !!f.q.trim();
}

/** A batch's skipped stores grouped by reason, in a stable order, for the result view. */
export function skippedByReason(r: Pick<InvitationBatchResult, "skipped">): { reason: SkipReason; stores: SkippedStore[] }[] {
  const order: SkipReason[] = ["already_invited", "held_by_other_laptop", "no_contact"];
  return order
    .map((reason) => ({ reason, stores: r.skipped.filter((s) => s.reason === reason) }))
    .filter((g) => g.stores.length > 0);
}

/** Guests in display order: the money-holder first, then by role, then name. */
export function orderedGuests<G extends { role: Contact["role"]; name: string }>(guests: G[]): G[] {
  const rank: Record<Contact["role"], number> = { owner_spouse: 0, owner: 1, manager: 2, staff: 3 };
  return [...guests].sort((a, b) => rank[a.role] - rank[b.role] || a.name.localeCompare(b.name));
}
