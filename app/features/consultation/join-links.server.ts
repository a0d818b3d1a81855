/**
 * Personal join links (就诊链接): a link that opens one appointment's consultation room on a phone that
 * never signed in. The token is 256 random bits; only its SHA-256 is stored. A link works only inside
 * the room's join window, for an appointment still active, and is revoked when the appointment is
 * cancelled or moved (`revokeJoinLinks`, in the same transaction as the change). Opening one starts a
 * session that opens that room and nothing else (`startJoinSession`); every creation, use and refusal
 * is audited.
 */
import { randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "~db/client.server";
import { appointments, joinLinks } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import { consumeLimit, type Limit } from "~/features/auth/rate-limit.server";
import { endJoinSessions, hashToken, type SessionUser } from "~/features/auth/session.server";
import { isActive } from "~/features/booking/appointment-policy";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { DomainError, NotFoundError } from "~/utils/errors";
import { isInside, joinWindow } from "./join-window";

/** A link that is real but not open now: when its room opens (or that it has closed). */
export class JoinLinkNotOpenError extends DomainError {
  constructor(
    readonly opensAt: Date,
    readonly closed: boolean,
  ) {
    super(403, closed ? "joinLink.closed" : "joinLink.notYet", { opensAt: opensAt.toISOString() });
  }
}

/** The token in `/join/:token` (and a companion's `/guest/:token`): 32 random bytes in base64url. */
export const linkToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/**
 * A new join link for the patient's own active appointment; returns its token (shown once: only its
 * hash is kept). Anyone else asking is told the appointment does not exist.
 */
export async function createJoinLink(db: Db, patient: Pick<SessionUser, "id" | "role">, appointmentId: string, context: { clientAddress: string }) {
  const token = randomBytes(32).toString("base64url");
  await db.transaction(async (tx) => {
    const [appointment] = await tx
      .select({ status: appointments.status })
      .from(appointments)
      .where(and(eq(appointments.id, appointmentId), eq(appointments.patientId, patient.id)));
    if (!appointment || patient.role !== "patient") throw new NotFoundError("error.appointmentNotFound");
    if (!isActive(appointment.status)) throw new DomainError(409, "joinLink.inactive");
    await storeJoinLink(tx, token, appointmentId, { actorId: patient.id, clientAddress: context.clientAddress });
  });
  return token;
}

/** Keeps a new link's hash and records who made it (the patient, or nobody: a reminder that carries one). */
async function storeJoinLink(tx: Db, token: string, appointmentId: string, by: { actorId: string | null; clientAddress?: string; via?: string }) {
  await tx.insert(joinLinks).values({ tokenHash: hashToken(token), appointmentId });
  await recordAudit(tx, {
    actorId: by.actorId,
    action: "join_link.created",
    entityType: "appointment",
    entityId: appointmentId,
    clientAddress: by.clientAddress ?? null,
    detail: by.via ? { via: by.via } : undefined,
  });
}

/**
 * A fresh join link for a reminder about to be sent (the token exists only in that message; its hash is
 * kept and the creation audited, with no actor). Null when the appointment is no longer active.
 */
export async function joinLinkForReminder(db: Db, appointmentId: string): Promise<string | null> {
  const token = randomBytes(32).toString("base64url");
  const made = await db.transaction(async (tx) => {
    const [appointment] = await tx.select({ status: appointments.status }).from(appointments).where(eq(appointments.id, appointmentId)).for("update");
    if (!appointment || !isActive(appointment.status)) return false;
    await storeJoinLink(tx, token, appointmentId, { actorId: null, via: "reminder" });
    return true;
  });
  return made ? token : null;
}

/**
 * The appointment a join link opens now, and its patient. An unknown, revoked or malformed token, or an
 * appointment no longer active, is one answer (404: nothing about it is revealed); a real link outside
 * its window says when the room opens. Each refusal of a real link is audited. Rate-limited per address
 * before anything is looked up.
 */
export async function openJoinLink(db: Db, token: string, context: { clientAddress: string; limit: Limit }, now = new Date()) {
  await consumeLimit(db, context.limit);
  if (!linkToken.safeParse(token).success) throw new NotFoundError("joinLink.invalid");
  const [link] = await db
    .select({
      appointmentId: appointments.id,
      patientId: appointments.patientId,
      status: appointments.status,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
    })
    .from(joinLinks)
    .innerJoin(appointments, eq(appointments.id, joinLinks.appointmentId))
    .where(and(eq(joinLinks.tokenHash, hashToken(token)), isNull(joinLinks.revokedAt)));
  if (!link) throw new NotFoundError("joinLink.invalid");
  const refuse = async (reason: string, error: DomainError) => {
    await recordAudit(db, {
      actorId: null,
      action: "join_link.refused",
      entityType: "appointment",
      entityId: link.appointmentId,
      patientId: link.patientId,
      clientAddress: context.clientAddress,
      detail: { reason },
    });
    return error;
  };
  if (!isActive(link.status)) throw await refuse("inactive", new NotFoundError("joinLink.invalid"));
  const window = joinWindow(link, await getClinicSettings(db));
  if (!isInside(window, now)) {
    const closed = now >= window.closesAt;
    throw await refuse(closed ? "closed" : "notYet", new JoinLinkNotOpenError(window.opensAt, closed));
  }
  return { appointmentId: link.appointmentId, patientId: link.patientId };
}

/**
 * The appointment was cancelled or moved: its links stop working and the sessions they opened end. In
 * the caller's transaction, with the change itself.
 */
export async function revokeJoinLinks(tx: Db, appointmentId: string, now = new Date()) {
  await tx
    .update(joinLinks)
    .set({ revokedAt: now })
    .where(and(eq(joinLinks.appointmentId, appointmentId), isNull(joinLinks.revokedAt)));
  await endJoinSessions(tx, appointmentId);
}
