import { and, asc, desc, eq, gt, inArray, lte, or, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments, departments, doctors, users } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import type { Role } from "~/domain/vocabulary";
import { looksLikeId, NotFoundError } from "~/utils/errors";
import { getClinicSettings } from "./clinic-settings.server";
import { joinPrompt, joinWindow } from "~/features/consultation/join-window";
import { withSignedSummary } from "~/features/consult-notes/notes.server";
import { ACTIVE_STATUSES, FINISHED_STATUSES } from "./appointment-policy";

/** Whoever is acting: every query about appointments is scoped to them. */
export type Actor = { id: string; role: Role };

const detailColumns = {
  id: appointments.id,
  startsAt: appointments.startsAt,
  endsAt: appointments.endsAt,
  status: appointments.status,
  reason: appointments.reason,
  symptoms: appointments.symptoms,
  sequence: appointments.sequence,
  createdAt: appointments.createdAt,
  updatedAt: appointments.updatedAt,
  cancelledAt: appointments.cancelledAt,
  cancellationReason: appointments.cancellationReason,
  // Whose it is, as the appointment policy reads it.
  patientId: appointments.patientId,
  doctorUserId: doctors.userId,
  patient: { displayName: users.displayName, email: users.email },
  doctor: {
    id: doctors.id,
    nameZh: doctors.nameZh,
    nameEn: doctors.nameEn,
    title: doctors.title,
  },
  department: { nameZh: departments.nameZh, nameEn: departments.nameEn },
};

function baseQuery(db: Db) {
  return db
    .select(detailColumns)
    .from(appointments)
    .innerJoin(users, eq(users.id, appointments.patientId))
    .innerJoin(doctors, eq(doctors.id, appointments.doctorId))
    .innerJoin(departments, eq(departments.id, doctors.departmentId));
}

/** Rows of `appointments` the actor may know exist. */
function visibleTo(actor: Actor) {
  switch (actor.role) {
    case "patient":
      return eq(appointments.patientId, actor.id);
    case "doctor":
      return eq(doctors.userId, actor.id);
    case "staff":
    case "admin":
      return sql`true`;
  }
}

export type AppointmentDetails = Awaited<ReturnType<typeof getAppointment>>;

/**
 * One appointment as the actor may see it. An appointment that exists but is not theirs is reported as
 * not found, exactly like one that does not exist: guessing ids reveals nothing.
 */
export async function getAppointment(db: Db, actor: Actor, appointmentId: string) {
  if (!looksLikeId(appointmentId)) throw new NotFoundError("error.appointmentNotFound");
  const [row] = await baseQuery(db).where(and(eq(appointments.id, appointmentId), visibleTo(actor)));
  if (!row) throw new NotFoundError("error.appointmentNotFound");
  return row;
}

/**
 * One appointment for the page that shows its reason and symptoms. Its patient and its doctor read them
 * as part of the visit; clinic staff and admins read them on behalf of the clinic, so each of their
 * readings is recorded (which fields, never their text).
 */
export async function readAppointment(db: Db, actor: Actor, appointmentId: string, context: { clientAddress?: string | null } = {}) {
  const appointment = await getAppointment(db, actor, appointmentId);
  if (actor.role === "staff" || actor.role === "admin") {
    await recordAudit(db, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "appointment.details_viewed",
      entityType: "appointment",
      entityId: appointment.id,
      patientId: appointment.patientId,
      clientAddress: context.clientAddress,
      detail: { fields: appointment.symptoms ? ["reason", "symptoms"] : ["reason"] },
    });
  }
  return appointment;
}

/** A patient's appointments: what is still ahead (soonest first) and what is past (latest first). */
export async function listPatientAppointments(db: Db, patientId: string, now = new Date()) {
  const [upcoming, past] = await Promise.all([upcomingAppointments(db, patientId, now), pastAppointments(db, patientId, now)]);
  return { upcoming, past };
}

/** What is still ahead, soonest first, each with the way into its room if it is open or opens within the hour. */
export async function upcomingAppointments(db: Db, patientId: string, now = new Date()) {
  const [upcoming, settings] = await Promise.all([
    baseQuery(db)
      .where(and(eq(appointments.patientId, patientId), inArray(appointments.status, [...ACTIVE_STATUSES]), gt(appointments.endsAt, now)))
      .orderBy(asc(appointments.startsAt)),
    getClinicSettings(db),
  ]);
  return upcoming.map((a) => ({ ...a, join: joinPrompt(joinWindow(a, settings), now) }));
}

/** The last 50 past appointments, latest first, each with whether its visit summary is ready. */
async function pastAppointments(db: Db, patientId: string, now: Date) {
  const past = await baseQuery(db)
    .where(and(eq(appointments.patientId, patientId), or(inArray(appointments.status, [...FINISHED_STATUSES]), lte(appointments.endsAt, now))))
    .orderBy(desc(appointments.startsAt))
    .limit(50);
  const summaries = await withSignedSummary(db, past.map((a) => a.id));
  return past.map((a) => ({ ...a, summaryReady: summaries.has(a.id) }));
}

