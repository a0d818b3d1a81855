import { and, eq, ne, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { reusableStatement, type Db } from "~db/client.server";
import { appointments, doctors, waitlistOffers } from "~db/schema";
import { auditInsert } from "~/features/audit/record-audit.server";
import { eventPayload, LIVE_CHANNEL } from "~/features/live/publish.server";
import { messagesFor } from "~/features/notifications/message-kinds";
import { messagesParameter, outboxInsert } from "~/features/notifications/outbox.server";
import type { Locale } from "~/domain/vocabulary";
import { ConflictError, InvalidRequestError, NotFoundError } from "~/utils/errors";
import { bookingWindow, loadSchedules, type DoctorSchedule } from "./availability.server";
import { getBookingPolicy, type BookingPolicy } from "./clinic-settings.server";
import { doctorHours } from "./doctor-hours.server";
import type { FreeSlotIndex } from "./free-slot-index.server";
import { classifyRequestedStart, computeFreeSlots, nearestSlots, type Interval } from "./slots";

const DAY = 24 * 60 * 60_000;
/** A refused booking offers this many free slots, from this many days around the requested time. */
const ALTERNATIVES_COUNT = 4;
const ALTERNATIVES_DAYS = 3;

export type BookingRequest = {
  patientId: string;
  doctorId: string;
  startsAt: Date;
  reason: string;
  symptoms: string;
  idempotencyKey: string;
};

export type BookingResult = { appointmentId: string; created: boolean };

type SlotView = { start: string; end: string };

/**
 * Books a slot for a patient. One statement inserts the appointment, its audit row, its messages (the
 * confirmation and the reminders, in the outbox) and its live event (NOTIFY, sent at commit), or nothing.
 * A time the waitlist holds for another patient is refused; the patient's own held time is taken (the
 * offer accepted, with its audit row, in the same statement). The database's exclusion constraints decide races, so of any
 * number of concurrent requests for overlapping times exactly one wins (no check-then-insert, no
 * deadlock). A refused booking is told, by the same statement, whether it was a retry of this very form
 * (then that booking is the answer) or the patient holds an overlapping time; otherwise someone else took it.
 * Whether the time is one of the doctor's slots is asked of the doctor's hours, and the times offered
 * instead of a taken one come from the free-slot index, both kept in memory by the server.
 */
export async function bookAppointment(
  db: Db,
  request: BookingRequest,
  now = new Date(),
  context: { clientAddress?: string | null; slots?: FreeSlotIndex; locale?: Locale } = {},
): Promise<BookingResult> {
  const policy = await getBookingPolicy(db);
  const window = bookingWindow(policy, now);
  const hours = await doctorHours(db, request.doctorId, now);
  const requested = classifyRequestedStart({ ...hours, busy: [], timeZone: policy.timeZone }, request.startsAt);
  if (requested.kind !== "free" || request.startsAt < window.from || request.startsAt >= window.until) {
    // A retry of a form that already booked answers with that booking, whatever the time is now.
    const previous = await findByIdempotencyKey(db, request.patientId, request.idempotencyKey);
    if (previous) return { appointmentId: previous, created: false };
    if (request.startsAt < window.from || request.startsAt >= window.until) throw new InvalidRequestError("booking.outsideWindow");
    const [doctor] = await db.select({ id: doctors.id }).from(doctors).where(eq(doctors.id, request.doctorId));
    if (!doctor) throw new NotFoundError("error.doctorNotFound");
    throw new InvalidRequestError("booking.notASlot");
  }
  const slot = requested.slot;
  const appointmentId = crypto.randomUUID();
  const [outcome] = await bookingStatement(db, bookingValues(request, appointmentId, slot, now, context));
  if (outcome?.id) return { appointmentId, created: true };

  // Refused: the same statement said why, reading after the row that won had committed.
  if (outcome?.previous) return { appointmentId: outcome.previous, created: false };
  if (outcome?.patient_busy) throw new ConflictError("booking.patientBusy");
  // Whoever holds the slot now, it is not free: it is left out of the alternatives.
  const alternatives = context.slots
    ? await context.slots.nearest(request.doctorId, policy, now, request.startsAt, { count: ALTERNATIVES_COUNT, withinMs: ALTERNATIVES_DAYS * DAY, taken: slot })
    : await nearestFreeFromDatabase(db, { ...request, slot }, policy, now);
  throw new ConflictError("booking.slotTaken", { alternatives: alternatives.map(slotView) });
}

/**
 * The insert, its audit row, its messages and its NOTIFY as one statement, prepared once per database
 * handle. Its one row carries the new id when it booked; when the insert gave way, `booking_refusal()`
 * (a migration's function, with a snapshot of its own) says whether this was a retry of the same form
 * (`previous`) or the patient holds an overlapping time (`patient_busy`): one round trip either way.
 */
const bookingStatement = reusableStatement<{ id: string | null; previous: string | null; patient_busy: boolean | null }>("book_appointment", () => {
  const given = (name: string) => sql.placeholder(name);
  const values: [PgColumn, string, string][] = [
    [appointments.id, "id", "uuid"],
    [appointments.patientId, "patientId", "uuid"],
    [appointments.doctorId, "doctorId", "uuid"],
    [appointments.startsAt, "startsAt", "timestamptz"],
    [appointments.endsAt, "endsAt", "timestamptz"],
    [appointments.reason, "reason", "text"],
    [appointments.symptoms, "symptoms", "text"],
    [appointments.idempotencyKey, "idempotencyKey", "text"],
    [appointments.updatedAt, "updatedAt", "timestamptz"],
  ];
  const names = sql.join(values.map(([column]) => sql.identifier(column.name)), sql`, `);
  const row = sql.join(values.map(([, name, type]) => sql`${given(name)}::${sql.raw(type)}`), sql`, `);
  const audit = auditInsert(
    {
      actorId: given("patientId"),
      actorRole: "patient",
      action: "appointment.booked",
      entityType: "appointment",
      entityId: given("id"),
      patientId: given("patientId"),
      clientAddress: given("clientAddress"),
      detail: given("auditDetail"),
    },
    sql`booked`,
  );
  const queued = outboxInsert(
    sql`(select id as appointment_id, null::uuid as offer_id, ${given("patientId")}::uuid as user_id, 0 as sequence from booked)`,
    given("messages"),
    given("locale"),
  );
  // A time the waitlist holds for another patient (an open offer, not yet expired) is not booked.
  const o = (column: PgColumn) => sql`o.${sql.identifier(column.name)}`;
  const heldForOther = sql`exists (select 1 from ${waitlistOffers} o where ${o(waitlistOffers.doctorId)} = ${given("doctorId")}::uuid
    and ${o(waitlistOffers.status)} = 'open' and ${o(waitlistOffers.expiresAt)} > ${given("now")}::timestamptz
    and ${o(waitlistOffers.patientId)} <> ${given("patientId")}::uuid
    and tstzrange(${o(waitlistOffers.startsAt)}, ${o(waitlistOffers.endsAt)}, '[)') && tstzrange(${given("startsAt")}::timestamptz, ${given("endsAt")}::timestamptz, '[)'))`;
  // The patient's own open offer of this time is taken by this booking ("Take this time", or the form),
  // by a migration's function called only for a row inserted: a booking that gave way touches no offer.
  const accepted = sql`select taken.id from booked, waitlist_take_own_offer(booked.id, ${given("patientId")}::uuid,
    ${given("doctorId")}::uuid, ${given("startsAt")}::timestamptz, ${given("now")}::timestamptz) taken`;
  const acceptedAudit = auditInsert(
    {
      actorId: given("patientId"),
      actorRole: "patient",
      action: "waitlist.offer_accepted",
      entityType: "waitlist_offer",
      entityId: sql`accepted.id`,
      patientId: given("patientId"),
      clientAddress: given("clientAddress"),
      detail: given("auditDetail"),
    },
    sql`accepted`,
  );
  // DO NOTHING names no constraint, so every one (both exclusion constraints and the form's key) arbitrates:
  // a loser waits for the winner and inserts nothing, rather than failing or deadlocking.
  return sql`with booked as (
      insert into ${appointments} (${names}) select ${row} where not ${heldForOther}
      on conflict do nothing
      returning ${sql.identifier(appointments.id.name)}
    ), audited as (${audit}), queued as (${queued}),
    accepted as (${accepted}), accepted_audited as (${acceptedAudit})
    select o.id, case when o.id is not null then pg_notify(${LIVE_CHANNEL}, ${given("event")}) end as notified,
      r.previous, r.patient_busy
    from (select (select id from booked) as id) o
    left join lateral (select * from booking_refusal(${given("patientId")}::uuid, ${given("idempotencyKey")}::text,
      ${given("startsAt")}::timestamptz, ${given("endsAt")}::timestamptz) where o.id is null) r on true`;
});

function bookingValues(
  request: BookingRequest,
  appointmentId: string,
  slot: Interval,
  now: Date,
  { clientAddress, locale }: { clientAddress?: string | null; locale?: Locale },
) {
  const event = eventPayload({
    kind: "appointment",
    appointmentId,
    doctorId: request.doctorId,
    patientId: request.patientId,
    status: "booked",
    previous: null,
    slotsChanged: true,
    took: { startsAt: slot.start.toISOString(), endsAt: slot.end.toISOString() },
  });
  if (event === null) throw new Error("a booking's live event cannot be that large");
  return {
    id: appointmentId,
    patientId: request.patientId,
    doctorId: request.doctorId,
    startsAt: slot.start.toISOString(),
    endsAt: slot.end.toISOString(),
    reason: request.reason,
    symptoms: request.symptoms,
    idempotencyKey: request.idempotencyKey,
    // The app's clock, as every later change of the row writes it: a live page compares `updatedAt` with
    // the time it read its data (`changedSince`). `createdAt` stays the database's, as the audit row's.
    updatedAt: now.toISOString(),
    now: now.toISOString(),
    clientAddress: clientAddress ?? null,
    auditDetail: JSON.stringify({ doctorId: request.doctorId, startsAt: slot.start.toISOString() }),
    // The confirmation now and the reminders still ahead, in the language of the page that booked
    // (unless the patient chose one).
    messages: messagesParameter(messagesFor("booking_confirmed", slot.start, now, true)),
    locale: locale ?? null,
    event,
  };
}

const slotView = (s: Interval): SlotView => ({ start: s.start.toISOString(), end: s.end.toISOString() });

async function findByIdempotencyKey(db: Db, patientId: string, key: string): Promise<string | null> {
  const [row] = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(and(eq(appointments.patientId, patientId), eq(appointments.idempotencyKey, key)));
  return row?.id ?? null;
}

export async function patientIsBusy(db: Db, patientId: string, slot: Interval, exceptId?: string) {
  const [row] = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        eq(appointments.patientId, patientId),
        ne(appointments.status, "cancelled"),
        exceptId ? ne(appointments.id, exceptId) : undefined,
        overlaps(slot),
      ),
    )
    .limit(1);
  return Boolean(row);
}

/** An appointment's time overlaps `slot` (half-open intervals, as the exclusion constraints read them). */
const overlaps = (slot: Interval) =>
  sql`tstzrange(${appointments.startsAt}, ${appointments.endsAt}, '[)') && tstzrange(${slot.start.toISOString()}::timestamptz, ${slot.end.toISOString()}::timestamptz, '[)')`;

function aroundWindow(target: Date) {
  return {
    from: new Date(target.getTime() - ALTERNATIVES_DAYS * DAY),
    until: new Date(target.getTime() + ALTERNATIVES_DAYS * DAY),
  };
}

/** The free slots nearest to `target` in the days around it. */
function nearestFree(schedule: DoctorSchedule, policy: BookingPolicy, now: Date, target: Date): Interval[] {
  const free = computeFreeSlots({
    ...schedule,
    now,
    timeZone: policy.timeZone,
    minNoticeMinutes: policy.minNoticeMinutes,
    horizonDays: policy.bookingHorizonDays,
    ...aroundWindow(target),
  });
  return nearestSlots(free, target, ALTERNATIVES_COUNT);
}

/** Without the server's free-slot index (scripts, tests): the nearest free slots read from the database. */
async function nearestFreeFromDatabase(db: Db, request: { doctorId: string; startsAt: Date; slot?: Interval }, policy: BookingPolicy, now: Date) {
  const around = aroundWindow(request.startsAt);
  const schedule = (await loadSchedules(db, [request.doctorId], around.from, around.until)).get(request.doctorId)!;
  // Whoever holds the requested slot now, it is not free.
  const busy = request.slot ? [...schedule.busy, request.slot] : schedule.busy;
  return nearestFree({ ...schedule, busy }, policy, now, request.startsAt);
}

/** The free slots nearest to a time the doctor cannot give (to offer instead), from the days around it. */
export async function alternativeSlots(db: Db, request: { doctorId: string; startsAt: Date }, now: Date): Promise<SlotView[]> {
  const policy = await getBookingPolicy(db);
  return (await nearestFreeFromDatabase(db, request, policy, now)).map(slotView);
}

/** The 409 for a slot someone else holds, carrying the nearest free slots to offer instead. */
export async function slotTaken(db: Db, request: { doctorId: string; startsAt: Date }, now: Date) {
  return new ConflictError("booking.slotTaken", { alternatives: await alternativeSlots(db, request, now) });
}
