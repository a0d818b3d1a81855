import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments, availabilityExceptions, availabilityRules, doctors, users } from "~db/schema";
import { publish } from "~/features/live/publish.server";
import { offerNewTimes, timesWaitedFor } from "~/features/waitlist/waitlist.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { formatTimeOfDay, zonedToInstant } from "~/utils/zoned-time";
import type { Actor } from "./appointment-access.server";
import { STAFF_CHANGEABLE_STATUSES } from "./appointment-policy";
import { loadSchedules } from "./availability.server";
import { getBookingPolicy } from "./clinic-settings.server";
import { fitsAvailability } from "./slots";
import { uuidParam } from "~/utils/route-params.server";

const DAY = 24 * 60 * 60_000;

/**
 * The doctor whose hours the actor may edit: a doctor edits their own, staff and admins anyone's.
 * Returns the doctor's id.
 */
export async function doctorForEditing(db: Db, actor: Actor, requestedDoctorId?: string | null): Promise<string> {
  if (actor.role === "doctor") {
    const [own] = await db.select({ id: doctors.id }).from(doctors).where(eq(doctors.userId, actor.id));
    if (!own) throw new ForbiddenError();
    if (requestedDoctorId && requestedDoctorId !== own.id) throw new ForbiddenError();
    return own.id;
  }
  if (actor.role !== "staff" && actor.role !== "admin") throw new ForbiddenError();
  if (requestedDoctorId) {
    // Not an id at all: no such doctor (the database would refuse to compare it with one).
    if (!uuidParam.safeParse(requestedDoctorId).success) throw new NotFoundError("error.doctorNotFound");
    const [row] = await db.select({ id: doctors.id }).from(doctors).where(eq(doctors.id, requestedDoctorId));
    if (!row) throw new NotFoundError("error.doctorNotFound");
    return row.id;
  }
  const [first] = await db.select({ id: doctors.id }).from(doctors).orderBy(asc(doctors.nameEn)).limit(1);
  if (!first) throw new NotFoundError("error.doctorNotFound");
  return first.id;
}

export async function listAvailability(db: Db, doctorId: string, now = new Date()) {
  const [rules, exceptions] = await Promise.all([
    db
      .select()
      .from(availabilityRules)
      .where(eq(availabilityRules.doctorId, doctorId))
      .orderBy(asc(availabilityRules.weekday), asc(availabilityRules.startTime)),
    db
      .select()
      .from(availabilityExceptions)
      .where(and(eq(availabilityExceptions.doctorId, doctorId), gt(availabilityExceptions.endsAt, now)))
      .orderBy(asc(availabilityExceptions.startsAt)),
  ]);
  return {
    rules: rules.map((r) => ({
      id: r.id,
      weekday: r.weekday,
      start: r.startTime.slice(0, 5),
      end: r.endTime.slice(0, 5),
      slotMinutes: r.slotMinutes,
      effectiveFrom: r.effectiveFrom,
      effectiveUntil: r.effectiveUntil,
    })),
    timeOff: exceptions.filter((e) => e.kind === "time_off"),
    extra: exceptions.filter((e) => e.kind === "extra"),
  };
}

export type NewRule = {
  weekday: number;
  startMinute: number;
  endMinute: number;
  slotMinutes: number;
  effectiveFrom: string;
  effectiveUntil: string | null;
};

/**
 * Every change to a doctor's hours is one transaction that also tells every app instance (their
 * free-slot indexes forget the doctor's slots).
 */
function changeHours<T>(db: Db, doctorId: string, change: (tx: Db) => Promise<T>, now = new Date()): Promise<T> {
  return db.transaction(async (tx) => {
    // Times the change makes free are offered to patients waiting for them (the waitlist).
    const before = await timesWaitedFor(tx, doctorId, now);
    const result = await change(tx);
    await offerNewTimes(tx, doctorId, before, now);
    await publish(tx, { kind: "availability", doctorId });
    return result;
  });
}

export async function addRule(db: Db, doctorId: string, rule: NewRule, now = new Date()) {
  await changeHours(db, doctorId, (tx) => tx.insert(availabilityRules).values({
    doctorId,
    weekday: rule.weekday,
    startTime: formatTimeOfDay(rule.startMinute),
    endTime: formatTimeOfDay(rule.endMinute),
    slotMinutes: rule.slotMinutes,
    effectiveFrom: rule.effectiveFrom,
    effectiveUntil: rule.effectiveUntil,
  }), now);
}

export async function removeRule(db: Db, doctorId: string, ruleId: string) {
  await changeHours(db, doctorId, async (tx) => {
    const removed = await tx
      .delete(availabilityRules)
      .where(and(eq(availabilityRules.id, ruleId), eq(availabilityRules.doctorId, doctorId)))
      .returning({ id: availabilityRules.id });
    if (removed.length === 0) throw new NotFoundError();
  });
}

export type NewException = {
  kind: "time_off" | "extra";
  /** Local dates and times in the clinic's time zone; no times means whole days. */
  startDate: string;
  endDate: string;
  startMinute: number | null;
  endMinute: number | null;
  slotMinutes: number | null;
  note: string;
};

export async function addException(db: Db, doctorId: string, input: NewException, now = new Date()) {
  const { timeZone } = await getBookingPolicy(db);
  const startsAt = zonedToInstant(input.startDate, input.startMinute ?? 0, timeZone);
  const endsAt =
    input.endMinute === null
      ? zonedToInstant(input.endDate, 24 * 60, timeZone) // to the end of the last day
      : zonedToInstant(input.endDate, input.endMinute, timeZone);
  await changeHours(db, doctorId, (tx) =>
    tx.insert(availabilityExceptions).values({
      doctorId,
      kind: input.kind,
      startsAt,
      endsAt,
      slotMinutes: input.kind === "extra" ? input.slotMinutes : null,
      note: input.note,
    }),
    now,
  );
}

export async function removeException(db: Db, doctorId: string, exceptionId: string) {
  await changeHours(db, doctorId, async (tx) => {
    const removed = await tx
      .delete(availabilityExceptions)
      .where(and(eq(availabilityExceptions.id, exceptionId), eq(availabilityExceptions.doctorId, doctorId)))
      .returning({ id: availabilityExceptions.id });
    if (removed.length === 0) throw new NotFoundError();
  });
}

/**
 * Appointments ahead that the doctor's current hours no longer cover (outside every rule and extra
 * hours, or inside time off) and that staff may still move or cancel. Nothing is cancelled on its own:
 * they are listed for staff.
 */
export async function appointmentsOutsideHours(db: Db, doctorId: string, now = new Date()) {
  const policy = await getBookingPolicy(db);
  const ahead = await db
    .select({
      id: appointments.id,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
      patientName: users.displayName,
    })
    .from(appointments)
    .innerJoin(users, eq(users.id, appointments.patientId))
    .where(
      and(
        eq(appointments.doctorId, doctorId),
        inArray(appointments.status, [...STAFF_CHANGEABLE_STATUSES]),
        gt(appointments.startsAt, now),
      ),
    )
    .orderBy(asc(appointments.startsAt));
  if (ahead.length === 0) return [];
  const last = ahead[ahead.length - 1]!.endsAt;
  const schedule = (await loadSchedules(db, [doctorId], new Date(now.getTime() - DAY), new Date(last.getTime() + DAY))).get(
    doctorId,
  )!;
  return ahead.filter(
    (a) => !fitsAvailability({ ...schedule, timeZone: policy.timeZone }, { start: a.startsAt, end: a.endsAt }),
  );
}

export async function listDoctorsForPicker(db: Db) {
  return db
    .select({ id: doctors.id, nameZh: doctors.nameZh, nameEn: doctors.nameEn })
    .from(doctors)
    .orderBy(asc(doctors.nameEn));
}
