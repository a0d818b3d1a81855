import { randomBytes } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "~db/client.server";
import { appointments, consultations, departments, doctors, users } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import type { AuditAction } from "~/features/audit/audit-actions";
import type { SessionUser } from "~/features/auth/session.server";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { uuidParam } from "~/features/booking/schemas.server";
import type { AppointmentStatus } from "~/features/booking/statuses";
import type { Participant } from "~/features/live/events";
import { publish } from "~/features/live/publish.server";
import { ConflictError, ForbiddenError, NotFoundError } from "~/utils/errors";
import { isInside, joinWindow, NO_SHOW_AFTER_MINUTES } from "./join-window";

const doctorUser = alias(users, "doctor_user");

async function loadAppointment(db: Db, appointmentId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(appointmentId)) return null;
  const [row] = await db
    .select({
      id: appointments.id,
      status: appointments.status,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
      reason: appointments.reason,
      symptoms: appointments.symptoms,
      patientId: appointments.patientId,
      patientName: users.displayName,
      doctorId: doctors.id,
      doctorUserId: doctors.userId,
      doctorNameZh: doctors.nameZh,
      doctorNameEn: doctors.nameEn,
      doctorTitle: doctors.title,
      departmentZh: departments.nameZh,
      departmentEn: departments.nameEn,
      roomName: consultations.roomName,
      checkedInAt: consultations.checkedInAt,
      admittedAt: consultations.admittedAt,
      endedAt: consultations.endedAt,
    })
    .from(appointments)
    .innerJoin(users, eq(users.id, appointments.patientId))
    .innerJoin(doctors, eq(doctors.id, appointments.doctorId))
    .innerJoin(doctorUser, eq(doctorUser.id, doctors.userId))
    .innerJoin(departments, eq(departments.id, doctors.departmentId))
    .leftJoin(consultations, eq(consultations.appointmentId, appointments.id))
    .where(eq(appointments.id, appointmentId));
  return row ?? null;
}

export type RoomAppointment = NonNullable<Awaited<ReturnType<typeof loadAppointment>>>;

export type RoomAccess = {
  appointment: RoomAppointment;
  role: Participant;
  window: { opensAt: Date; closesAt: Date };
  inWindow: boolean;
};

/**
 * The consultation room of an appointment as the acting user may enter it: only its patient and its
 * doctor. Anyone else learns nothing about the appointment (`NotFoundError`), except clinic staff, who
 * know it exists and are refused (`ForbiddenError`).
 */
export async function getRoomAccess(
  db: Db,
  user: Pick<SessionUser, "id" | "role">,
  appointmentId: string,
  now = new Date(),
): Promise<RoomAccess> {
  if (!uuidParam.safeParse(appointmentId).success) throw new NotFoundError("error.appointmentNotFound");
  const appointment = await loadAppointment(db, appointmentId);
  if (!appointment) throw new NotFoundError("error.appointmentNotFound");
  const role: Participant | null =
    appointment.patientId === user.id ? "patient" : appointment.doctorUserId === user.id ? "doctor" : null;
  if (!role) {
    if (user.role === "staff" || user.role === "admin") throw new ForbiddenError("consult.participantsOnly");
    throw new NotFoundError("error.appointmentNotFound");
  }
  const window = joinWindow(appointment, await getClinicSettings(db));
  return { appointment, role, window, inWindow: isInside(window, now) };
}

type Transition = {
  action: AuditAction;
  by: Participant | "staff";
  from: AppointmentStatus[];
  to: AppointmentStatus;
  stamp?: "checkedInAt" | "admittedAt" | "endedAt";
};

const TRANSITIONS = {
  checkIn: { action: "appointment.checked_in", by: "patient", from: ["booked"], to: "checked_in", stamp: "checkedInAt" },
  admit: { action: "appointment.admitted", by: "doctor", from: ["checked_in"], to: "in_consultation", stamp: "admittedAt" },
  end: { action: "appointment.ended", by: "doctor", from: ["in_consultation"], to: "completed", stamp: "endedAt" },
  noShow: { action: "appointment.no_show", by: "doctor", from: ["booked"], to: "no_show" },
} satisfies Record<string, Transition>;

export type RoomAction = keyof typeof TRANSITIONS;

/**
 * Moves an appointment through the consultation: check in (patient, inside the join window), admit and
 * end (its doctor), no-show (its doctor or clinic staff, from ten minutes after the start if the patient
 * never checked in). One transaction writes the status, the consultation's timestamps, the audit event
 * and the live event for every app instance.
 */
export async function changeRoomState(
  db: Db,
  user: Pick<SessionUser, "id" | "role">,
  appointmentId: string,
  action: RoomAction,
  context: { now?: Date; clientAddress?: string | null } = {},
) {
  const now = context.now ?? new Date();
  const transition: Transition = TRANSITIONS[action];
  const staff = user.role === "staff" || user.role === "admin";
  let access: RoomAccess;
  if (staff && action === "noShow") {
    const appointment = await loadAppointment(db, appointmentId);
    if (!appointment) throw new NotFoundError("error.appointmentNotFound");
    access = { appointment, role: "doctor", window: joinWindow(appointment, await getClinicSettings(db)), inWindow: true };
  } else {
    access = await getRoomAccess(db, user, appointmentId, now);
    if (access.role !== transition.by) throw new ForbiddenError();
  }
  const { appointment } = access;
  if ((action === "checkIn" || action === "admit") && !access.inWindow) throw new ConflictError("consult.outsideWindow");
  if (action === "noShow" && now.getTime() < appointment.startsAt.getTime() + NO_SHOW_AFTER_MINUTES * 60_000) {
    throw new ConflictError("consult.noShowTooEarly");
  }

  await db.transaction(async (tx) => {
    const changed = await tx
      .update(appointments)
      .set({ status: transition.to, updatedAt: now })
      .where(and(eq(appointments.id, appointment.id), sql`${appointments.status} in ${transition.from}`))
      .returning({ id: appointments.id });
    if (changed.length === 0) throw new ConflictError("consult.wrongState");
    await tx
      .insert(consultations)
      .values({ appointmentId: appointment.id, roomName: newRoomName(), ...(transition.stamp ? { [transition.stamp]: now } : {}) })
      .onConflictDoUpdate({
        target: consultations.appointmentId,
        set: { ...(transition.stamp ? { [transition.stamp]: now } : {}), updatedAt: now },
      });
    await recordAudit(tx, {
      actorId: user.id,
      action: transition.action,
      entityType: "appointment",
      entityId: appointment.id,
      clientAddress: context.clientAddress,
    });
    await publish(tx, {
      kind: "appointment",
      appointmentId: appointment.id,
      doctorId: appointment.doctorId,
      patientId: appointment.patientId,
      status: transition.to,
    });
  });
  return { status: transition.to };
}

/** 128 random bits, hex: the only name a video provider ever learns for a consultation. */
export function newRoomName() {
  return randomBytes(16).toString("hex");
}

/** The consultation's room name, created the first time it is asked for. */
export async function ensureRoomName(db: Db, appointmentId: string): Promise<string> {
  await db.insert(consultations).values({ appointmentId, roomName: newRoomName() }).onConflictDoNothing();
  const [row] = await db
    .select({ roomName: consultations.roomName })
    .from(consultations)
    .where(eq(consultations.appointmentId, appointmentId));
  return row!.roomName;
}

/** Patients checked in with a doctor, in appointment order (the doctor's waiting room). */
export async function listWaiting(db: Db, doctorId: string) {
  return db
    .select({
      appointmentId: appointments.id,
      patientName: users.displayName,
      reason: appointments.reason,
      startsAt: appointments.startsAt,
      checkedInAt: consultations.checkedInAt,
    })
    .from(appointments)
    .innerJoin(users, eq(users.id, appointments.patientId))
    .innerJoin(consultations, eq(consultations.appointmentId, appointments.id))
    .where(and(eq(appointments.doctorId, doctorId), eq(appointments.status, "checked_in")))
    .orderBy(asc(appointments.startsAt), asc(consultations.checkedInAt));
}

/** A waiting patient's place in their doctor's queue (1 = next), and whether the doctor is in a call. */
export async function queueState(db: Db, appointment: { id: string; doctorId: string }) {
  const waiting = await listWaiting(db, appointment.doctorId);
  const index = waiting.findIndex((w) => w.appointmentId === appointment.id);
  const [busy] = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(and(eq(appointments.doctorId, appointment.doctorId), eq(appointments.status, "in_consultation")))
    .limit(1);
  return { position: index === -1 ? null : index + 1, doctorBusy: Boolean(busy) };
}
