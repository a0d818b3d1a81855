/**
 * A third (and fourth) person in a consultation: a colleague the doctor invites (会诊), a companion the
 * patient invites by a one-time guest link (a daughter who translates, say). Every change is one
 * transaction under the appointment's row lock: the change, its audit row, and the live event that
 * updates the open rooms (and tells a removed person's page, whose sockets close). The rules are in
 * `participant-policy.ts`.
 */
import { randomBytes } from "node:crypto";
import { and, asc, eq, gte, inArray, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "~db/client.server";
import { appointments, consultationParticipants, departments, doctors, users } from "~db/schema";
import type { AppointmentStatus, DoctorTitle, ParticipantKind, ParticipantStatus } from "~/domain/vocabulary";
import { recordAudit } from "~/features/audit/record-audit.server";
import { consumeLimit, type Limit } from "~/features/auth/rate-limit.server";
import { endUserSessions, hashToken, startRoomSession, type CookieOptions, type SessionUser } from "~/features/auth/session.server";
import { ACTIVE_STATUSES, isActive } from "~/features/booking/appointment-policy";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { publish } from "~/features/live/publish.server";
import { ConflictError, DomainError, ForbiddenError, looksLikeId, NotFoundError } from "~/utils/errors";
import { isInside, joinWindow } from "./join-window";
import { JoinLinkNotOpenError, linkToken } from "./join-links.server";
import { mayInvite, mayManageParticipant, peerKey, type InviteVerdict, type PeerKey } from "./participant-policy";

/** A participant as the room lists them: a colleague by their name and department, a companion by the name they gave. */
export type ParticipantView = {
  id: string;
  kind: ParticipantKind;
  status: ParticipantStatus;
  peer: PeerKey;
  /** A companion's name as they gave it (null until their link is opened). */
  name: string | null;
  /** Was in the consultation (admitted) at some point, removed later or not: the visit's record names them. */
  tookPart: boolean;
  doctor: { nameZh: string; nameEn: string; title: DoctorTitle; departmentZh: string; departmentEn: string } | null;
};

/** The appointment's participants, in the order they were invited (the removed ones too: who took part). */
export async function listParticipants(db: Db, appointmentId: string): Promise<ParticipantView[]> {
  const rows = await db
    .select({
      id: consultationParticipants.id,
      kind: consultationParticipants.kind,
      status: consultationParticipants.status,
      admittedAt: consultationParticipants.admittedAt,
      name: users.displayName,
      nameZh: doctors.nameZh,
      nameEn: doctors.nameEn,
      title: doctors.title,
      departmentZh: departments.nameZh,
      departmentEn: departments.nameEn,
    })
    .from(consultationParticipants)
    .leftJoin(users, eq(users.id, consultationParticipants.userId))
    .leftJoin(doctors, eq(doctors.userId, consultationParticipants.userId))
    .leftJoin(departments, eq(departments.id, doctors.departmentId))
    .where(eq(consultationParticipants.appointmentId, appointmentId))
    .orderBy(asc(consultationParticipants.invitedAt), asc(consultationParticipants.id));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    peer: peerKey(r.kind, r.id),
    name: r.kind === "companion" ? r.name : null,
    tookPart: r.admittedAt !== null,
    doctor:
      r.kind === "colleague" && r.nameZh !== null && r.nameEn !== null && r.title !== null
        ? { nameZh: r.nameZh, nameEn: r.nameEn, title: r.title, departmentZh: r.departmentZh ?? "", departmentEn: r.departmentEn ?? "" }
        : null,
  }));
}

/** The user's seat among an appointment's participants (not removed), if they have one. */
export async function participantSeat(db: Db, appointmentId: string, userId: string) {
  const [row] = await db
    .select({ id: consultationParticipants.id, kind: consultationParticipants.kind, status: consultationParticipants.status })
    .from(consultationParticipants)
    .where(
      and(
        eq(consultationParticipants.appointmentId, appointmentId),
        eq(consultationParticipants.userId, userId),
        ne(consultationParticipants.status, "removed"),
      ),
    );
  return row ?? null;
}

/** The doctors a doctor may invite: every other doctor with an active account, by department then name. */
export async function colleagueChoices(db: Db, doctorUserId: string) {
  return db
    .select({
      id: doctors.id,
      nameZh: doctors.nameZh,
      nameEn: doctors.nameEn,
      title: doctors.title,
      departmentZh: departments.nameZh,
      departmentEn: departments.nameEn,
    })
    .from(doctors)
    .innerJoin(departments, eq(departments.id, doctors.departmentId))
    .innerJoin(users, eq(users.id, doctors.userId))
    .where(and(ne(doctors.userId, doctorUserId), sql`${users.deactivatedAt} is null`))
    .orderBy(asc(departments.nameEn), asc(doctors.nameEn));
}

/**
 * The consultations a doctor was invited to as a colleague whose room is still open (or opens later):
 * their Today lists them with a way in.
 */
export async function invitedConsultations(db: Db, doctorUserId: string, now: Date) {
  const settings = await getClinicSettings(db);
  const rows = await db
    .select({
      appointmentId: appointments.id,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
      status: appointments.status,
      patientName: users.displayName,
      doctorNameZh: doctors.nameZh,
      doctorNameEn: doctors.nameEn,
    })
    .from(consultationParticipants)
    .innerJoin(appointments, eq(appointments.id, consultationParticipants.appointmentId))
    .innerJoin(users, eq(users.id, appointments.patientId))
    .innerJoin(doctors, eq(doctors.id, appointments.doctorId))
    .where(
      and(
        eq(consultationParticipants.userId, doctorUserId),
        eq(consultationParticipants.kind, "colleague"),
        ne(consultationParticipants.status, "removed"),
        inArray(appointments.status, ACTIVE_STATUSES),
        gte(appointments.endsAt, new Date(now.getTime() - settings.joinClosesMinutesAfter * 60_000)),
      ),
    )
    .orderBy(asc(appointments.startsAt));
  return rows.map((r) => ({ ...r, startsAt: r.startsAt.toISOString(), endsAt: r.endsAt.toISOString() }));
}

/** The appointment, locked for this transaction, with who the actor is to it. */
async function lockAppointment(tx: Db, appointmentId: string, user: Pick<SessionUser, "id" | "role">) {
  if (!looksLikeId(appointmentId)) throw new NotFoundError("error.appointmentNotFound");
  const [row] = await tx
    .select({ id: appointments.id, status: appointments.status, patientId: appointments.patientId, doctorUserId: doctors.userId })
    .from(appointments)
    .innerJoin(doctors, eq(doctors.id, appointments.doctorId))
    .where(eq(appointments.id, appointmentId))
    .for("update", { of: appointments });
  const by = !row ? null : user.role === "patient" && row.patientId === user.id ? "patient" : user.role === "doctor" && row.doctorUserId === user.id ? "doctor" : null;
  if (!row || !by) throw new NotFoundError("error.appointmentNotFound");
  const others = await tx
    .select({ id: consultationParticipants.id, kind: consultationParticipants.kind, status: consultationParticipants.status, userId: consultationParticipants.userId })
    .from(consultationParticipants)
    .where(eq(consultationParticipants.appointmentId, appointmentId));
  return { appointment: row, by, others } as const;
}

const INVITE_REFUSALS = { notYours: 403, closed: 409, full: 409, companionAlready: 409 } as const;

function assertMayInvite(verdict: InviteVerdict) {
  if (verdict.allowed) return;
  if (verdict.reason === "notYours") throw new ForbiddenError();
  throw new DomainError(INVITE_REFUSALS[verdict.reason], `participants.refused.${verdict.reason}`);
}

type Context = { clientAddress?: string | null; now?: Date };

/** The audit row of a change to who takes part, by the appointment's patient or doctor. */
function auditParticipant(
  tx: Db,
  user: Pick<SessionUser, "id" | "role">,
  appointment: { id: string; patientId: string },
  action: "participant.invited" | "participant.admitted" | "participant.removed",
  detail: Record<string, unknown>,
  context: Context,
) {
  return recordAudit(tx, {
    actorId: user.id,
    actorRole: user.role,
    action,
    entityType: "appointment",
    entityId: appointment.id,
    patientId: appointment.patientId,
    clientAddress: context.clientAddress,
    detail,
  });
}

/** The doctor invites a colleague (another doctor, by their doctor id): they come straight into the call. */
export async function inviteColleague(db: Db, user: Pick<SessionUser, "id" | "role">, appointmentId: string, colleagueDoctorId: string, context: Context = {}) {
  await db.transaction(async (tx) => {
    const { appointment, by, others } = await lockAppointment(tx, appointmentId, user);
    assertMayInvite(mayInvite(by, "colleague", appointment, others));
    const [colleague] = await tx
      .select({ userId: doctors.userId })
      .from(doctors)
      .innerJoin(users, eq(users.id, doctors.userId))
      .where(and(eq(doctors.id, colleagueDoctorId), sql`${users.deactivatedAt} is null`));
    if (!colleague || colleague.userId === user.id) throw new DomainError(422, "participants.refused.noSuchColleague");
    if (others.some((p) => p.userId === colleague.userId && p.status !== "removed")) throw new ConflictError("participants.refused.already");
    const now = context.now ?? new Date();
    const [row] = await tx
      .insert(consultationParticipants)
      .values({ appointmentId, kind: "colleague", status: "admitted", userId: colleague.userId, invitedBy: user.id, invitedAt: now, admittedAt: now })
      .returning({ id: consultationParticipants.id });
    await auditParticipant(tx, user, appointment, "participant.invited", { participantId: row!.id, kind: "colleague", userId: colleague.userId }, context);
    await publish(tx, { kind: "participants", appointmentId, invitedUserId: colleague.userId });
  });
}

/** The patient invites a companion: a one-time guest link (its token, shown once: only its hash is kept). */
export async function inviteCompanion(db: Db, user: Pick<SessionUser, "id" | "role">, appointmentId: string, context: Context = {}) {
  const token = randomBytes(32).toString("base64url");
  await db.transaction(async (tx) => {
    const { appointment, by, others } = await lockAppointment(tx, appointmentId, user);
    assertMayInvite(mayInvite(by, "companion", appointment, others));
    const [row] = await tx
      .insert(consultationParticipants)
      .values({ appointmentId, kind: "companion", status: "invited", tokenHash: hashToken(token), invitedBy: user.id, invitedAt: context.now ?? new Date() })
      .returning({ id: consultationParticipants.id });
    await auditParticipant(tx, user, appointment, "participant.invited", { participantId: row!.id, kind: "companion" }, context);
    await publish(tx, { kind: "participants", appointmentId });
  });
  return token;
}

/** What a guest link shows before its name is given: whose visit, and whether it opens now. */
export async function readGuestLink(db: Db, token: string, context: { limit: Limit; now?: Date }) {
  await consumeLimit(db, context.limit);
  const link = await findGuestLink(db, token);
  const now = context.now ?? new Date();
  assertGuestLinkOpen(link, await guestWindow(db, link), now);
  return { appointmentId: link.appointmentId, startsAt: link.startsAt.toISOString() };
}

async function findGuestLink(db: Db, token: string) {
  if (!linkToken.safeParse(token).success) throw new NotFoundError("guestLink.invalid");
  const [link] = await db
    .select({
      id: consultationParticipants.id,
      status: consultationParticipants.status,
      linkUsedAt: consultationParticipants.linkUsedAt,
      appointmentId: appointments.id,
      appointmentStatus: appointments.status,
      patientId: appointments.patientId,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
    })
    .from(consultationParticipants)
    .innerJoin(appointments, eq(appointments.id, consultationParticipants.appointmentId))
    .where(eq(consultationParticipants.tokenHash, hashToken(token)));
  if (!link) throw new NotFoundError("guestLink.invalid");
  return link;
}

async function guestWindow(db: Db, link: { startsAt: Date; endsAt: Date }) {
  return joinWindow(link, await getClinicSettings(db));
}

/** A used, withdrawn or closed link opens nothing; one whose room is not open yet says when it opens. */
function assertGuestLinkOpen(
  link: { status: ParticipantStatus; linkUsedAt: Date | null; appointmentStatus: AppointmentStatus },
  window: { opensAt: Date; closesAt: Date },
  now: Date,
) {
  if (link.linkUsedAt || link.status !== "invited") throw new DomainError(410, "guestLink.used");
  if (!isActive(link.appointmentStatus)) throw new NotFoundError("guestLink.invalid");
  if (!isInside(window, now)) {
    const closed = now >= window.closesAt;
    throw new JoinLinkNotOpenError(window.opensAt, closed);
  }
}

export const GUEST_NAME_MAX = 60;

/** The guest link's one question: the companion's name, as the doctor will see it. */
export const guestForm = z.object({
  name: z.string().trim().min(1, { error: "guestLink.nameRequired" }).max(GUEST_NAME_MAX, { error: "guestLink.nameTooLong" }),
});

/**
 * A companion opens their guest link and gives their name: inside the room's join window, once. In one
 * transaction: the link is spent, a guest account with that name is made, the companion waits for the
 * doctor, the audit row and the rooms' event are written, and a session that opens this room alone
 * starts. Returns the appointment and the session's cookie. Every refusal of a real link is audited.
 */
export async function openGuestLink(
  db: Db,
  token: string,
  name: string,
  cookieHeader: string | null,
  context: CookieOptions & { clientAddress: string; limit: Limit; now?: Date },
) {
  await consumeLimit(db, context.limit);
  const now = context.now ?? new Date();
  const found = await findGuestLink(db, token);
  const window = await guestWindow(db, found);
  try {
    assertGuestLinkOpen(found, window, now);
  } catch (error) {
    await recordAudit(db, {
      actorId: null,
      action: "participant.link_refused",
      entityType: "appointment",
      entityId: found.appointmentId,
      patientId: found.patientId,
      clientAddress: context.clientAddress,
      detail: { participantId: found.id, reason: error instanceof DomainError ? error.messageKey : "error" },
    });
    throw error;
  }
  const setCookie = await startRoomSession(db, cookieHeader, context, async (tx) => {
    // Spent at most once: two tabs opening it at the same moment make one guest.
    const [guest] = await tx
      .insert(users)
      .values({ email: `guest-${randomBytes(12).toString("hex")}@guests.invalid`, displayName: name, role: "guest", locale: null })
      .returning({ id: users.id });
    const [spent] = await tx
      .update(consultationParticipants)
      .set({ status: "waiting", userId: guest!.id, linkUsedAt: now })
      .where(and(eq(consultationParticipants.id, found.id), eq(consultationParticipants.status, "invited"), sql`${consultationParticipants.linkUsedAt} is null`))
      .returning({ id: consultationParticipants.id });
    if (!spent) throw new DomainError(410, "guestLink.used");
    await recordAudit(tx, {
      actorId: guest!.id,
      actorRole: "guest",
      action: "participant.joined",
      entityType: "appointment",
      entityId: found.appointmentId,
      patientId: found.patientId,
      clientAddress: context.clientAddress,
      detail: { participantId: found.id, kind: "companion" },
    });
    await publish(tx, { kind: "participants", appointmentId: found.appointmentId });
    return { userId: guest!.id, appointmentId: found.appointmentId };
  });
  return { appointmentId: found.appointmentId, setCookie };
}

/**
 * The doctor admits a waiting companion into the call, or removes anyone invited (who then cannot come
 * back: a removed companion's sessions end; their page says so and their media stops).
 */
export async function manageParticipant(
  db: Db,
  user: Pick<SessionUser, "id" | "role">,
  appointmentId: string,
  participantId: string,
  action: "admit" | "remove",
  context: Context = {},
) {
  const now = context.now ?? new Date();
  await db.transaction(async (tx) => {
    const { appointment, by, others } = await lockAppointment(tx, appointmentId, user);
    const participant = others.find((p) => p.id === participantId);
    if (!participant) throw new NotFoundError();
    if (!mayManageParticipant(by, action, participant, appointment)) {
      if (by !== "doctor") throw new ForbiddenError();
      throw new ConflictError("participants.refused.wrongState");
    }
    await tx
      .update(consultationParticipants)
      .set(action === "admit" ? { status: "admitted", admittedAt: now } : { status: "removed", removedAt: now, removedBy: user.id })
      .where(eq(consultationParticipants.id, participantId));
    if (action === "remove" && participant.kind === "companion" && participant.userId) await endUserSessions(tx, participant.userId);
    await auditParticipant(tx, user, appointment, action === "admit" ? "participant.admitted" : "participant.removed", { participantId, kind: participant.kind }, context);
    await publish(tx, {
      kind: "participants",
      appointmentId,
      ...(action === "remove" ? { removed: peerKey(participant.kind, participantId) } : {}),
    });
  });
}
