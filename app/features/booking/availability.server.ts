import { and, asc, eq, gt, inArray, lt, ne } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "~db/client.server";
import { appointments, availabilityExceptions, availabilityRules, waitlistOffers } from "~db/schema";
import { parseTimeOfDay } from "~/utils/zoned-time";
import type { BookingPolicy } from "./clinic-settings.server";
import {
  computeFreeSlots,
  type AvailabilityException,
  type AvailabilityRule,
  type Interval,
} from "./slots";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export type DoctorSchedule = {
  rules: AvailabilityRule[];
  exceptions: AvailabilityException[];
  busy: Interval[];
};

/** "08:30:00" (Postgres `time`) → minutes after midnight. */
const minutesOf = (time: string) => parseTimeOfDay(time.slice(0, 5));

/**
 * Everything the slot computation needs for some doctors over [from, until): their rules, the exceptions
 * that touch the window and the appointments that hold time in it. Three queries, whatever the count.
 */
export async function loadSchedules(
  db: Db,
  doctorIds: readonly string[],
  from: Date,
  until: Date,
  options: {
    withBusy?: boolean;
    /** The ids are every doctor: skip the long IN list. */
    allDoctors?: boolean;
    /** Times the waitlist holds for a patient at this instant count as busy too (nobody else may book them). */
    heldAt?: Date;
  } = {},
): Promise<Map<string, DoctorSchedule>> {
  const schedules = new Map<string, DoctorSchedule>(
    doctorIds.map((id) => [id, { rules: [], exceptions: [], busy: [] }]),
  );
  if (doctorIds.length === 0) return schedules;
  const ids = [...doctorIds];
  const ofDoctors = (column: AnyPgColumn) => (options.allDoctors ? undefined : inArray(column, ids));
  const [rules, exceptions, booked, held] = await Promise.all([
    db.select().from(availabilityRules).where(ofDoctors(availabilityRules.doctorId)),
    db
      .select()
      .from(availabilityExceptions)
      .where(
        and(
          ofDoctors(availabilityExceptions.doctorId),
          lt(availabilityExceptions.startsAt, until),
          gt(availabilityExceptions.endsAt, from),
        ),
      ),
    options.withBusy === false
      ? Promise.resolve([])
      : db
      .select({ doctorId: appointments.doctorId, start: appointments.startsAt, end: appointments.endsAt })
      .from(appointments)
      .where(
        and(
          inArray(appointments.doctorId, ids),
          ne(appointments.status, "cancelled"),
          lt(appointments.startsAt, until),
          gt(appointments.endsAt, from),
        ),
      )
      .orderBy(asc(appointments.startsAt)),
    options.heldAt === undefined || options.withBusy === false
      ? Promise.resolve([])
      : db
          .select({ doctorId: waitlistOffers.doctorId, start: waitlistOffers.startsAt, end: waitlistOffers.endsAt })
          .from(waitlistOffers)
          .where(
            and(
              inArray(waitlistOffers.doctorId, ids),
              eq(waitlistOffers.status, "open"),
              gt(waitlistOffers.expiresAt, options.heldAt),
              lt(waitlistOffers.startsAt, until),
              gt(waitlistOffers.endsAt, from),
            ),
          ),
  ]);
  for (const r of rules) {
    schedules.get(r.doctorId)?.rules.push({
      weekday: r.weekday,
      startMinute: minutesOf(r.startTime),
      endMinute: minutesOf(r.endTime),
      slotMinutes: r.slotMinutes,
      effectiveFrom: r.effectiveFrom,
      effectiveUntil: r.effectiveUntil,
    });
  }
  for (const e of exceptions) {
    schedules
      .get(e.doctorId)
      ?.exceptions.push(
        e.kind === "extra"
          ? { kind: "extra", startsAt: e.startsAt, endsAt: e.endsAt, slotMinutes: e.slotMinutes ?? 15 }
          : { kind: "time_off", startsAt: e.startsAt, endsAt: e.endsAt },
      );
  }
  for (const b of [...booked, ...held]) schedules.get(b.doctorId)?.busy.push({ start: b.start, end: b.end });
  return schedules;
}

/** The window in which a patient may book right now. */
export function bookingWindow(policy: BookingPolicy, now: Date) {
  return {
    from: new Date(now.getTime() + policy.minNoticeMinutes * MINUTE),
    until: new Date(now.getTime() + policy.bookingHorizonDays * DAY),
  };
}

/** Free slots of several doctors, optionally narrowed to [from, until); a time the waitlist holds is not free. */
export async function freeSlotsOf(
  db: Db,
  doctorIds: readonly string[],
  policy: BookingPolicy,
  now: Date,
  narrow: { from?: Date; until?: Date } = {},
): Promise<Map<string, Interval[]>> {
  const window = bookingWindow(policy, now);
  const from = narrow.from && narrow.from > window.from ? narrow.from : window.from;
  const until = narrow.until && narrow.until < window.until ? narrow.until : window.until;
  const result = new Map<string, Interval[]>();
  if (!(from < until)) {
    for (const id of doctorIds) result.set(id, []);
    return result;
  }
  const schedules = await loadSchedules(db, doctorIds, from, until, { heldAt: now });
  for (const [doctorId, schedule] of schedules) {
    result.set(
      doctorId,
      computeFreeSlots({
        ...schedule,
        now,
        minNoticeMinutes: policy.minNoticeMinutes,
        horizonDays: policy.bookingHorizonDays,
        timeZone: policy.timeZone,
        from,
        until,
      }),
    );
  }
  return result;
}

export async function freeSlotsOfDoctor(
  db: Db,
  doctorId: string,
  policy: BookingPolicy,
  now: Date,
  narrow: { from?: Date; until?: Date } = {},
): Promise<Interval[]> {
  return (await freeSlotsOf(db, [doctorId], policy, now, narrow)).get(doctorId) ?? [];
}
