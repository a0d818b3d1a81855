/**
 * Who else may take part in a consultation, and how the call's people find each other. Pure rules: the
 * room offers the buttons these allow, the use cases ask them again inside their transaction (under the
 * appointment's row lock, which settles two invitations racing for the last seat).
 *
 * - The doctor invites a colleague (any other doctor of the hospital); the colleague comes straight into
 *   the call from their own Today page.
 * - The patient invites one companion (a family member, an interpreter) with a one-time guest link; the
 *   companion gives a name and waits for the doctor to admit them.
 * - A call holds four people at most (every browser sends its video to every other: a mesh).
 * - The doctor removes anyone they or the patient invited; a removed person's page says so, their media
 *   stops and they cannot come back.
 */
import type { AppointmentStatus, ParticipantKind, ParticipantStatus } from "~/domain/vocabulary";
import { isActive } from "~/features/booking/appointment-policy";

/** Everyone in one call: the patient, the doctor and two more. */
export const MAX_IN_CALL = 4;

/** A seat in the room: the appointment's own two, or a participant of a kind. */
export type Seat = "patient" | "doctor" | ParticipantKind;

/**
 * The name a person has in the call's signalling: "doctor", "patient", or the participant's kind and
 * row id ("colleague:<id>"). Never a name or an email.
 */
export type PeerKey = string;

export function peerKey(seat: Seat, participantId?: string | null): PeerKey {
  return seat === "patient" || seat === "doctor" ? seat : `${seat}:${participantId}`;
}

/** The seat a peer key names. */
export function seatOf(key: PeerKey): Seat {
  const seat = key.split(":")[0];
  return seat === "doctor" || seat === "colleague" || seat === "companion" ? seat : "patient";
}

const RANK: Record<Seat, number> = { doctor: 0, colleague: 1, patient: 2, companion: 3 };

/**
 * Which of two people makes the WebRTC offer to the other: the doctor to everyone, a colleague to the
 * patient's side, the patient to a companion; between two of one kind, the lower key. Both sides decide
 * alike, so every pair has exactly one offerer (and a reload on either side starts that pair afresh).
 */
export function makesOffer(self: PeerKey, other: PeerKey): boolean {
  const a = RANK[seatOf(self)];
  const b = RANK[seatOf(other)];
  return a !== b ? a < b : self < other;
}

export type InviteVerdict = { allowed: true } | { allowed: false; reason: "notYours" | "closed" | "full" | "companionAlready" };

/**
 * Whether `by` (the appointment's patient or doctor) may invite someone of `kind` now: the doctor a
 * colleague, the patient a companion, while the appointment is active, while the call has a seat left
 * (`others`: the appointment's participants), and one companion at a time.
 */
export function mayInvite(
  by: "patient" | "doctor" | null,
  kind: ParticipantKind,
  appointment: { status: AppointmentStatus },
  others: readonly { kind: ParticipantKind; status: ParticipantStatus }[],
): InviteVerdict {
  if (!(by === "doctor" && kind === "colleague") && !(by === "patient" && kind === "companion")) return { allowed: false, reason: "notYours" };
  if (!isActive(appointment.status)) return { allowed: false, reason: "closed" };
  const seated = others.filter((p) => p.status !== "removed");
  if (kind === "companion" && seated.some((p) => p.kind === "companion")) return { allowed: false, reason: "companionAlready" };
  if (seated.length + 2 >= MAX_IN_CALL) return { allowed: false, reason: "full" };
  return { allowed: true };
}

/** Only the appointment's doctor admits a waiting companion or removes a participant, while the visit is on. */
export function mayManageParticipant(
  by: "patient" | "doctor" | null,
  action: "admit" | "remove",
  participant: { status: ParticipantStatus },
  appointment: { status: AppointmentStatus },
): boolean {
  if (by !== "doctor" || !isActive(appointment.status)) return false;
  return action === "admit" ? participant.status === "waiting" : participant.status !== "removed";
}

/**
 * Whether a participant may be in the call now (a call token, its signalling): admitted, and the doctor
 * has the patient in consultation. A waiting companion waits in the room; a removed person is out.
 */
export function participantMayCall(participant: { status: ParticipantStatus }, appointment: { status: AppointmentStatus }): boolean {
  return participant.status === "admitted" && appointment.status === "in_consultation";
}
