import { and, eq, ne, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments, doctors } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import { publish } from "~/features/live/publish.server";
import { ConflictError, InvalidRequestError, NotFoundError } from "~/utils/errors";
import { bookingWindow, loadSchedules, type DoctorSchedule } from "./availability.server";
import { getBookingPolicy, type BookingPolicy } from "./clinic-settings.server";
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
 * Books a slot for a patient. The database's exclusion constraints decide races: the insert is a single
 * `INSERT … ON CONFLICT DO NOTHING`, so of any number of concurrent requests for overlapping times exactly
 * one wins and the others learn it from an empty RETURNING (no deadlock, no check-then-insert). A retried
 * form (same idempotency key) returns the appointment it already made. The winner's insert, its live
 * event and its audit row are one transaction.
 */
export async function bookAppointment(
  db: Db,
  request: BookingRequest,
  now = new Date(),
  context: { clientAddress?: string | null } = {},
): Promise<BookingResult> {
  const previous = await findByIdempotencyKey(db, request.patientId, request.idempotencyKey);
  if (previous) return { appointmentId: previous, created: false };

  const policy = await getBookingPolicy(db);
  const window = bookingWindow(policy, now);
  if (request.startsAt < window.from || request.startsAt >= window.until) {
    throw new InvalidRequestError("booking.outsideWindow");
  }
  // One read of the doctor's schedule around the requested time serves both the check and, when the time
  // is gone, the nearest alternatives.
  const around = aroundWindow(request.startsAt);
  const schedule = (await loadSchedules(db, [request.doctorId], around.from, around.until)).get(request.doctorId)!;
  const requested = classifyRequestedStart({ ...schedule, timeZone: policy.timeZone }, request.startsAt);
  if (requested.kind === "unavailable") {
    const [doctor] = await db.select({ id: doctors.id }).from(doctors).where(eq(doctors.id, request.doctorId));
    if (!doctor) throw new NotFoundError("error.doctorNotFound");
    throw new InvalidRequestError("booking.notASlot");
  }
  // Whoever holds the slot now, it is not free: leave it out of the alternatives.
  const alternatives = () =>
    nearestFree({ ...schedule, busy: [...schedule.busy, requested.slot] }, policy, now, request.startsAt);
  if (requested.kind === "taken") return explainRefusal(db, request, requested.slot, alternatives);

  const inserted = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(appointments)
      .values({
        patientId: request.patientId,
        doctorId: request.doctorId,
        startsAt: requested.slot.start,
        endsAt: requested.slot.end,
        reason: request.reason,
        symptoms: request.symptoms,
        idempotencyKey: request.idempotencyKey,
        // The app's clock, as every later change of the row writes it: a live page compares `updatedAt` with
        // the time it read its data (`changedSince`). `createdAt` stays the database's, as the audit row's.
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: appointments.id });
    if (!row) return null;
    await publish(tx, {
      kind: "appointment",
      appointmentId: row.id,
      doctorId: request.doctorId,
      patientId: request.patientId,
      status: "booked",
      previous: null,
      slotsChanged: true,
    });
    await recordAudit(tx, {
      actorId: request.patientId,
      actorRole: "patient",
      action: "appointment.booked",
      entityType: "appointment",
      entityId: row.id,
      patientId: request.patientId,
      clientAddress: context.clientAddress,
      detail: { doctorId: request.doctorId, startsAt: requested.slot.start.toISOString() },
    });
    return row;
  });
  if (inserted) return { appointmentId: inserted.id, created: true };
  return explainRefusal(db, request, requested.slot, alternatives);
}

/**
 * The time is held: by a retry of this very form (then that booking is the answer), by the patient's own
 * other appointment, or by someone else a moment ago.
 */
async function explainRefusal(
  db: Db,
  request: BookingRequest,
  slot: Interval,
  alternatives: () => SlotView[],
): Promise<BookingResult> {
  const again = await findByIdempotencyKey(db, request.patientId, request.idempotencyKey);
  if (again) return { appointmentId: again, created: false };
  if (await patientIsBusy(db, request.patientId, slot)) throw new ConflictError("booking.patientBusy");
  throw new ConflictError("booking.slotTaken", { alternatives: alternatives() });
}

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
        sql`tstzrange(${appointments.startsAt}, ${appointments.endsAt}, '[)') && tstzrange(${slot.start.toISOString()}::timestamptz, ${slot.end.toISOString()}::timestamptz, '[)')`,
      ),
    )
    .limit(1);
  return Boolean(row);
}

function aroundWindow(target: Date) {
  return {
    from: new Date(target.getTime() - ALTERNATIVES_DAYS * DAY),
    until: new Date(target.getTime() + ALTERNATIVES_DAYS * DAY),
  };
}

/** The free slots nearest to `target` in the days around it. */
function nearestFree(schedule: DoctorSchedule, policy: BookingPolicy, now: Date, target: Date): SlotView[] {
  const free = computeFreeSlots({
    ...schedule,
    now,
    timeZone: policy.timeZone,
    minNoticeMinutes: policy.minNoticeMinutes,
    horizonDays: policy.bookingHorizonDays,
    ...aroundWindow(target),
  });
  return nearestSlots(free, target, ALTERNATIVES_COUNT).map((s) => ({
    start: s.start.toISOString(),
    end: s.end.toISOString(),
  }));
}

/** The free slots nearest to a time the doctor cannot give (to offer instead), from the days around it. */
export async function alternativeSlots(db: Db, request: { doctorId: string; startsAt: Date }, now: Date): Promise<SlotView[]> {
  const policy = await getBookingPolicy(db);
  const around = aroundWindow(request.startsAt);
  const schedule = (await loadSchedules(db, [request.doctorId], around.from, around.until)).get(request.doctorId)!;
  return nearestFree(schedule, policy, now, request.startsAt);
}

/** The 409 for a slot someone else holds, carrying the nearest free slots to offer instead. */
export async function slotTaken(db: Db, request: { doctorId: string; startsAt: Date }, now: Date) {
  return new ConflictError("booking.slotTaken", { alternatives: await alternativeSlots(db, request, now) });
}
