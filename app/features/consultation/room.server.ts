import { randomBytes } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { reusableQuery, rowsOf, type Db } from "~db/client.server";
import { appointments, consultations, departments, doctors, users } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import type { AuditAction } from "~/features/audit/audit-actions";
import type { JoinMode, ParticipantKind, ParticipantStatus } from "~/domain/vocabulary";
import type { SessionUser } from "~/features/auth/session.server";
import { assertAllowed, CONSULTATION_STEPS, isActive, mayJoin, mayTakeStep, type ConsultationStep } from "~/features/booking/appointment-policy";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import type { AppointmentEvent, DoctorQueue, Participant, PeerKey } from "~/features/live/events";
import { LIVE_CHANNEL, MAX_NOTIFY_BYTES } from "~/features/live/publish.server";
import { ConflictError, ForbiddenError, looksLikeId, NotFoundError } from "~/utils/errors";
import { isInside, joinWindow, type JoinWindowSettings } from "./join-window";
import { readPresence } from "./presence.server";
import { nextToAdmit } from "./queue";
import { participantMayCall, peerKey } from "./participant-policy";
import { participantSeat } from "./participants.server";
import { uuidParam } from "~/utils/route-params.server";

const appointmentQuery = reusableQuery((db) =>
  db
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
      joinMode: consultations.joinMode,
      admittedAt: consultations.admittedAt,
      endedAt: consultations.endedAt,
    })
    .from(appointments)
    .innerJoin(users, eq(users.id, appointments.patientId))
    .innerJoin(doctors, eq(doctors.id, appointments.doctorId))
    .innerJoin(departments, eq(departments.id, doctors.departmentId))
    .leftJoin(consultations, eq(consultations.appointmentId, appointments.id))
    .where(eq(appointments.id, sql.placeholder("appointmentId")))
    .prepare("room_appointment"),
);

async function loadAppointment(db: Db, appointmentId: string) {
  if (!looksLikeId(appointmentId)) return null;
  const [row] = await appointmentQuery(db, { appointmentId });
  return row ?? null;
}

export type RoomAppointment = NonNullable<Awaited<ReturnType<typeof loadAppointment>>>;

export type RoomAccess = {
  appointment: RoomAppointment;
  role: Participant;
  /** Who this person is in the call's signalling (participant-policy.ts). */
  peer: PeerKey;
  /** An invited participant's seat (a colleague, a companion); null for the patient and the doctor. */
  participant: { id: string; kind: ParticipantKind; status: ParticipantStatus } | null;
  /** The clinic's settings the join window was judged by, and its time zone (the clinic's day). */
  settings: JoinWindowSettings & { timeZone: string };
  window: { opensAt: Date; closesAt: Date };
  inWindow: boolean;
};

/**
 * The consultation room of an appointment as the acting user may enter it: its patient, its doctor, and
 * whoever they invited and the doctor has not removed (participants.server.ts). Anyone else learns
 * nothing about the appointment (`NotFoundError`), except clinic staff, who know it exists and are
 * refused (`ForbiddenError`).
 */
export async function getRoomAccess(
  db: Db,
  user: Pick<SessionUser, "id" | "role"> & { onlyAppointmentId?: string | null },
  appointmentId: string,
  now = new Date(),
): Promise<RoomAccess> {
  if (!uuidParam.safeParse(appointmentId).success) throw new NotFoundError("error.appointmentNotFound");
  // A session a join link opened knows of its own appointment's room only.
  if (user.onlyAppointmentId && user.onlyAppointmentId !== appointmentId) throw new NotFoundError("error.appointmentNotFound");
  const appointment = await loadAppointment(db, appointmentId);
  if (!appointment) throw new NotFoundError("error.appointmentNotFound");
  const own: Participant | null = appointment.patientId === user.id ? "patient" : appointment.doctorUserId === user.id ? "doctor" : null;
  const participant = own || user.role === "staff" || user.role === "admin" ? null : await participantSeat(db, appointmentId, user.id);
  const role: Participant | null = own ?? participant?.kind ?? null;
  if (!role) {
    if (user.role === "staff" || user.role === "admin") throw new ForbiddenError("consult.participantsOnly");
    throw new NotFoundError("error.appointmentNotFound");
  }
  const settings = await getClinicSettings(db);
  const window = joinWindow(appointment, settings);
  return { appointment, role, peer: peerKey(role, participant?.id), participant, settings, window, inWindow: isInside(window, now) };
}

/**
 * Whether the person may be in the room's live parts now (its socket; with `call`, the call itself):
 * the patient and the doctor by the appointment's rules (`mayJoin`); an invited participant while the
 * appointment is active and the window open, and for the call once admitted with the patient in consultation.
 */
export function mayEnterRoom(access: RoomAccess, user: Pick<SessionUser, "id" | "role">, now: Date, what: "socket" | "call"): boolean {
  if (!access.participant) return mayJoin(access.appointment, user, access.settings, now).allowed;
  if (!isActive(access.appointment.status) || !isInside(access.window, now)) return false;
  return what === "socket" || participantMayCall(access.participant, access.appointment);
}

/** What each step writes besides the status: its audit action and the consultation's time it stamps. */
const STEP_RECORDS: Record<RoomAction, { action: AuditAction; stamp?: "checkedInAt" | "admittedAt" | "endedAt" }> = {
  checkIn: { action: "appointment.checked_in", stamp: "checkedInAt" },
  admit: { action: "appointment.admitted", stamp: "admittedAt" },
  end: { action: "appointment.ended", stamp: "endedAt" },
  noShow: { action: "appointment.no_show" },
};

export type RoomAction = ConsultationStep;

/**
 * Moves an appointment through the consultation (`CONSULTATION_STEPS`): check in (patient, inside the
 * join window), admit and end (its doctor), no-show (its doctor or clinic staff, some minutes after the
 * start if the patient never checked in). One transaction writes the status, the consultation's
 * timestamps, the audit event and the live event for every app instance. With `warnIfAway`, admitting a
 * patient who is not on their room's page is refused with `detail.away` (the page asks, then admits anyway).
 */
export async function changeRoomState(
  db: Db,
  user: Pick<SessionUser, "id" | "role">,
  appointmentId: string,
  action: RoomAction,
  context: { now?: Date; clientAddress?: string | null; warnIfAway?: boolean; joinMode?: JoinMode } = {},
) {
  const now = context.now ?? new Date();
  const step = CONSULTATION_STEPS[action];
  let appointment: RoomAppointment;
  let settings: JoinWindowSettings;
  // Staff know every appointment exists; their only step (no-show) needs no seat in the room.
  if ((user.role === "staff" || user.role === "admin") && action === "noShow") {
    const found = await loadAppointment(db, appointmentId);
    if (!found) throw new NotFoundError("error.appointmentNotFound");
    appointment = found;
    settings = await getClinicSettings(db);
  } else {
    ({ appointment, settings } = await getRoomAccess(db, user, appointmentId, now));
  }
  assertAllowed(mayTakeStep(action, appointment, user, settings, now));
  // "Admit" asks first when the patient is not on their room's page: the call would open on an empty room.
  if (action === "admit" && context.warnIfAway) {
    const presence = (await readPresence(db, [appointment.id], now)).get(appointment.id);
    if (!presence?.present) throw new ConflictError("consult.patientNeverHere", { away: { since: presence?.since ?? null } });
  }
  await db.transaction((tx) => takeStep(tx, user, appointment, action, { now, clientAddress: context.clientAddress, joinMode: context.joinMode }));
  return { status: step.to };
}

/**
 * "Admit next": the doctor admits the first patient in their queue who is here now (`nextToAdmit`),
 * through the same step, rules and writes as "Admit". Decided inside the transaction under the doctor's
 * queue lock, so two presses (a double click, two tabs) never admit two patients: while a call is on,
 * the next press is refused and names that call. Answers the admitted appointment's id.
 */
export async function admitNext(
  db: Db,
  user: Pick<SessionUser, "id" | "role">,
  context: { now?: Date; clientAddress?: string | null } = {},
): Promise<{ appointmentId: string }> {
  const now = context.now ?? new Date();
  if (user.role !== "doctor") throw new ForbiddenError();
  const [doctor] = await db.select({ id: doctors.id }).from(doctors).where(eq(doctors.userId, user.id));
  if (!doctor) throw new ForbiddenError();
  const settings = await getClinicSettings(db);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${QUEUE_LOCK_NAMESPACE}, hashtext(${doctor.id}::text))`);
    const rows = await tx
      .select({ id: appointments.id, status: appointments.status, startsAt: appointments.startsAt, endsAt: appointments.endsAt, checkedInAt: consultations.checkedInAt })
      .from(appointments)
      .leftJoin(consultations, eq(consultations.appointmentId, appointments.id))
      .where(and(eq(appointments.doctorId, doctor.id), inArray(appointments.status, ["checked_in", "in_consultation"])));
    const inCall = rows.find((r) => r.status === "in_consultation");
    if (inCall) throw new ConflictError("doctorToday.inCall", { appointmentId: inCall.id });
    // Only those "Admit" would take now (inside their join window), by the same rule.
    const admissible = rows.filter(
      (r) => mayTakeStep("admit", { ...r, patientId: "", doctorUserId: user.id }, user, settings, now).allowed,
    );
    const presence = await readPresence(tx, admissible.map((r) => r.id), now);
    const next = nextToAdmit(
      admissible.map((r) => ({
        id: r.id,
        startsAt: r.startsAt.toISOString(),
        checkedInAt: r.checkedInAt?.toISOString() ?? null,
        present: presence.get(r.id)?.present ?? false,
      })),
    );
    if (!next) throw new ConflictError(rows.length > 0 ? "doctorToday.nobodyHere" : "doctorToday.nobodyWaiting");
    const appointment = await loadAppointment(tx, next);
    await takeStep(tx, user, appointment!, "admit", { now, clientAddress: context.clientAddress });
    return { appointmentId: next };
  });
}

/**
 * One step's writes, inside the caller's transaction, once the rules allowed it: the status (if it still
 * is the one the step starts from, under the doctor's queue lock), the consultation's time, the live
 * event with the doctor's queue after it, and the audit event.
 */
async function takeStep(
  tx: Db,
  user: Pick<SessionUser, "id" | "role">,
  appointment: RoomAppointment,
  action: RoomAction,
  context: { now: Date; clientAddress?: string | null; joinMode?: JoinMode },
) {
  const { now } = context;
  const step = CONSULTATION_STEPS[action];
  const record = STEP_RECORDS[action];
  // Checking in says how the patient joins (by video unless their device cannot).
  const mode = action === "checkIn" ? (context.joinMode ?? "video") : null;
  // One statement: take this doctor's queue lock (one change at a time per doctor, so that the queue
  // each change announces is the queue after it, in commit order), move the status if it still is one
  // this change starts from, and stamp the consultation's time.
  const stamp = record.stamp ? sql.raw(consultations[record.stamp].name) : null;
  const [stamps] = rowsOf<{ checked_in_at: string | Date | null; admitted_at: string | Date | null; join_mode: JoinMode | null }>(
    await tx.execute(sql`
      with changed as (
        update ${appointments} set status = ${step.to}, updated_at = ${now.toISOString()}::timestamptz
        where id = ${appointment.id} and status = ${step.from}
          and (select pg_advisory_xact_lock(${QUEUE_LOCK_NAMESPACE}, hashtext(${appointment.doctorId}::text))) is not null
        returning id
      )
      insert into ${consultations} (appointment_id, room_name${stamp ? sql`, ${stamp}` : sql``}${mode ? sql`, join_mode` : sql``})
      select id, ${newRoomName()}${stamp ? sql`, ${now.toISOString()}::timestamptz` : sql``}${mode ? sql`, ${mode}::join_mode` : sql``} from changed
      on conflict (appointment_id) do update set updated_at = ${now.toISOString()}::timestamptz${stamp ? sql`, ${stamp} = excluded.${stamp}` : sql``}${mode ? sql`, join_mode = excluded.join_mode` : sql``}
      returning checked_in_at, admitted_at, join_mode`),
  );
  if (!stamps) throw new ConflictError("consult.wrongState");
  const instant = (value: string | Date | null) => (value === null ? null : new Date(value).toISOString());
  await publishWithQueue(tx, {
    kind: "appointment",
    appointmentId: appointment.id,
    doctorId: appointment.doctorId,
    patientId: appointment.patientId,
    status: step.to,
    previous: appointment.status,
    entry: {
      startsAt: appointment.startsAt.toISOString(),
      endsAt: appointment.endsAt.toISOString(),
      patientName: appointment.patientName,
      reason: appointment.reason,
      checkedInAt: instant(stamps.checked_in_at),
      admittedAt: instant(stamps.admitted_at),
      joinMode: stamps.join_mode,
    },
  });
  await recordAudit(tx, {
    actorId: user.id,
    actorRole: user.role,
    action: record.action,
    entityType: "appointment",
    entityId: appointment.id,
    patientId: appointment.patientId,
    clientAddress: context.clientAddress,
    ...(mode ? { detail: { joinMode: mode } } : {}),
  });
}

/**
 * Publishes an appointment's change with its doctor's queue as it stands in this transaction (read and
 * announced in one statement). A queue too long for a notification is left out: the waiting pages
 * then read their place again.
 */
async function publishWithQueue(tx: Db, event: AppointmentEvent) {
  const plain = JSON.stringify(event);
  await tx.execute(sql`
    select pg_notify(${LIVE_CHANNEL}, case when octet_length(full_event) <= ${MAX_NOTIFY_BYTES} then full_event else ${plain} end)
    from (
      select (${plain}::jsonb || jsonb_build_object('queue', jsonb_build_object(
        'waiting', coalesce((
          select jsonb_agg(a.id order by a.starts_at, c.checked_in_at)
          from ${appointments} a left join ${consultations} c on c.appointment_id = a.id
          where a.doctor_id = ${event.doctorId} and a.status = 'checked_in'), '[]'::jsonb),
        'inCall', exists (select 1 from ${appointments} where doctor_id = ${event.doctorId} and status = 'in_consultation')
      )))::text as full_event
    ) q`);
}

/** The advisory lock namespace of doctors' queues (with the doctor's id hashed as the key). */
const QUEUE_LOCK_NAMESPACE = 7_261;

const queueQuery = reusableQuery((db) =>
  db
    .select({ id: appointments.id, status: appointments.status })
    .from(appointments)
    .leftJoin(consultations, eq(consultations.appointmentId, appointments.id))
    .where(and(eq(appointments.doctorId, sql.placeholder("doctorId")), inArray(appointments.status, ["checked_in", "in_consultation"])))
    .orderBy(asc(appointments.startsAt), asc(consultations.checkedInAt))
    .prepare("doctor_queue"),
);

/**
 * A doctor's waiting room now: the checked-in appointments in order (appointment time, then check-in
 * time), and whether the doctor is in a call. One query.
 */
export async function doctorQueue(db: Db, doctorId: string): Promise<DoctorQueue> {
  const rows = await queueQuery(db, { doctorId });
  return {
    waiting: rows.filter((r) => r.status === "checked_in").map((r) => r.id),
    inCall: rows.some((r) => r.status === "in_consultation"),
  };
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

const waitingQuery = reusableQuery((db) =>
  db
    .select({
      appointmentId: appointments.id,
      patientName: users.displayName,
      reason: appointments.reason,
      startsAt: appointments.startsAt,
      checkedInAt: consultations.checkedInAt,
      joinMode: consultations.joinMode,
    })
    .from(appointments)
    .innerJoin(users, eq(users.id, appointments.patientId))
    .innerJoin(consultations, eq(consultations.appointmentId, appointments.id))
    .where(and(eq(appointments.doctorId, sql.placeholder("doctorId")), eq(appointments.status, "checked_in")))
    .orderBy(asc(appointments.startsAt), asc(consultations.checkedInAt))
    .prepare("doctor_waiting"),
);

/** Patients checked in with a doctor, in appointment order (the doctor's waiting room). */
export async function listWaiting(db: Db, doctorId: string) {
  return waitingQuery(db, { doctorId });
}

/** A waiting patient's place in their doctor's queue (1 = next), and whether the doctor is in a call. */
export async function queueState(db: Db, appointment: { id: string; doctorId: string }) {
  const queue = await doctorQueue(db, appointment.doctorId);
  const index = queue.waiting.indexOf(appointment.id);
  return { position: index === -1 ? null : index + 1, doctorBusy: queue.inCall };
}
