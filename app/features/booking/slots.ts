/**
 * Free slots: pure interval arithmetic over a doctor's weekly availability rules, exceptions and booked
 * appointments. No database, no server clock, no machine time zone: everything arrives as an argument.
 */
import { addDays, isoWeekday, localDateOf, zonedToInstant } from "~/utils/zoned-time";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A weekly rule in the clinic's time zone: e.g. Mondays 08:30–11:30 in 15-minute slots. */
export type AvailabilityRule = {
  /** ISO weekday, Monday 1 … Sunday 7. */
  weekday: number;
  /** Minutes after local midnight. */
  startMinute: number;
  endMinute: number;
  slotMinutes: number;
  /** Local dates, inclusive. */
  effectiveFrom: string;
  effectiveUntil: string | null;
};

/** Time off removes time; extra hours add slots outside the weekly rules. */
export type AvailabilityException =
  | { kind: "time_off"; startsAt: Date; endsAt: Date }
  | { kind: "extra"; startsAt: Date; endsAt: Date; slotMinutes: number };

export type Interval = { start: Date; end: Date };

export type SlotQuery = {
  rules: readonly AvailabilityRule[];
  exceptions: readonly AvailabilityException[];
  /** Appointments that hold time (every status but cancelled). */
  busy: readonly Interval[];
  now: Date;
  minNoticeMinutes: number;
  horizonDays: number;
  timeZone: string;
  /** Optional narrower window, e.g. one day. */
  from?: Date;
  until?: Date;
};

/** True when half-open intervals [a.start, a.end) and [b.start, b.end) share any instant. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

/**
 * Every slot the rules and extra hours offer in [from, until), before anything is taken away.
 * Slots step in real minutes from the rule's local start, so a daylight-saving change inside a rule
 * lengthens or shortens that day's hours as the wall clock does.
 */
export function offeredSlots(
  rules: readonly AvailabilityRule[],
  exceptions: readonly AvailabilityException[],
  timeZone: string,
  from: Date,
  until: Date,
): Interval[] {
  const slots: Interval[] = [];
  const push = (startMs: number, endMs: number, slotMinutes: number) => {
    const step = slotMinutes * MINUTE;
    for (let t = startMs; t + step <= endMs; t += step) {
      if (t + step > from.getTime() && t < until.getTime()) slots.push({ start: new Date(t), end: new Date(t + step) });
    }
  };
  const lastDate = localDateOf(until.getTime() + DAY, timeZone);
  for (let date = localDateOf(from.getTime() - DAY, timeZone); date <= lastDate; date = addDays(date, 1)) {
    const weekday = isoWeekday(date);
    for (const rule of rules) {
      if (rule.weekday !== weekday || rule.effectiveFrom > date) continue;
      if (rule.effectiveUntil !== null && rule.effectiveUntil < date) continue;
      push(
        zonedToInstant(date, rule.startMinute, timeZone).getTime(),
        zonedToInstant(date, rule.endMinute, timeZone).getTime(),
        rule.slotMinutes,
      );
    }
  }
  for (const exception of exceptions) {
    if (exception.kind === "extra") push(exception.startsAt.getTime(), exception.endsAt.getTime(), exception.slotMinutes);
  }
  return slots;
}

/** Free slots, sorted by start: offered, not overlapping time off or a booking, inside notice and horizon. */
export function computeFreeSlots(query: SlotQuery): Interval[] {
  const earliest = Math.max(query.now.getTime() + query.minNoticeMinutes * MINUTE, query.from?.getTime() ?? -Infinity);
  const latest = Math.min(query.now.getTime() + query.horizonDays * DAY, query.until?.getTime() ?? Infinity);
  if (!(earliest < latest)) return [];

  const blocked = indexBlocked(
    sortByStart([
      ...query.busy,
      ...query.exceptions.filter((e) => e.kind === "time_off").map((e) => ({ start: e.startsAt, end: e.endsAt })),
    ]),
  );
  const free: Interval[] = [];
  const seen = new Set<string>();
  for (const slot of sortByStart(offeredSlots(query.rules, query.exceptions, query.timeZone, new Date(earliest), new Date(latest)))) {
    const start = slot.start.getTime();
    if (start < earliest || start >= latest) continue;
    const key = `${start}/${slot.end.getTime()}`;
    if (seen.has(key) || overlapsAny(slot, blocked)) continue;
    seen.add(key);
    free.push(slot);
  }
  return free;
}

export type RequestedSlot =
  | { kind: "free"; slot: Interval }
  | { kind: "taken"; slot: Interval }
  | { kind: "unavailable" };

/**
 * What a requested start time is for a doctor: a free slot, a slot the hours offer but someone holds,
 * or no slot at all (outside the hours, in time off, or not on a slot boundary). Notice and horizon are
 * the caller's business.
 */
export function classifyRequestedStart(
  schedule: Pick<SlotQuery, "rules" | "exceptions" | "busy" | "timeZone">,
  start: Date,
): RequestedSlot {
  const t = start.getTime();
  const slot = offeredSlots(schedule.rules, schedule.exceptions, schedule.timeZone, start, new Date(t + MINUTE)).find(
    (s) => s.start.getTime() === t,
  );
  if (!slot) return { kind: "unavailable" };
  const timeOff = schedule.exceptions.filter((e) => e.kind === "time_off");
  if (timeOff.some((e) => overlaps(slot, { start: e.startsAt, end: e.endsAt }))) return { kind: "unavailable" };
  if (schedule.busy.some((b) => overlaps(slot, b))) return { kind: "taken", slot };
  return { kind: "free", slot };
}

/**
 * Whether a booked interval still lies within the doctor's hours: inside one occurrence of a weekly rule
 * or extra hours, and clear of time off. Used to list appointments that an edit of the hours left
 * stranded, so that staff can move or cancel them instead of losing them silently.
 */
export function fitsAvailability(
  schedule: Pick<SlotQuery, "rules" | "exceptions" | "timeZone">,
  interval: Interval,
): boolean {
  const start = interval.start.getTime();
  const end = interval.end.getTime();
  const timeOff = schedule.exceptions.filter((e) => e.kind === "time_off");
  if (timeOff.some((e) => overlaps(interval, { start: e.startsAt, end: e.endsAt }))) return false;
  const inExtra = schedule.exceptions.some(
    (e) => e.kind === "extra" && e.startsAt.getTime() <= start && end <= e.endsAt.getTime(),
  );
  if (inExtra) return true;
  const date = localDateOf(start, schedule.timeZone);
  return [addDays(date, -1), date].some((day) =>
    schedule.rules.some(
      (rule) =>
        rule.weekday === isoWeekday(day) &&
        rule.effectiveFrom <= day &&
        (rule.effectiveUntil === null || day <= rule.effectiveUntil) &&
        zonedToInstant(day, rule.startMinute, schedule.timeZone).getTime() <= start &&
        end <= zonedToInstant(day, rule.endMinute, schedule.timeZone).getTime(),
    ),
  );
}

/** The free slots closest in time to `target`, soonest first among equals. */
export function nearestSlots(slots: readonly Interval[], target: Date, count: number): Interval[] {
  return [...slots]
    .sort(
      (a, b) =>
        Math.abs(a.start.getTime() - target.getTime()) - Math.abs(b.start.getTime() - target.getTime()) ||
        a.start.getTime() - b.start.getTime(),
    )
    .slice(0, count)
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

function sortByStart<T extends Interval>(intervals: readonly T[]): T[] {
  return [...intervals].sort((a, b) => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime());
}

type Blocked = { starts: number[]; maxEndSoFar: number[] };

/** Intervals sorted by start, with the latest end seen up to each index. */
function indexBlocked(sorted: readonly Interval[]): Blocked {
  const starts: number[] = [];
  const maxEndSoFar: number[] = [];
  let maxEnd = -Infinity;
  for (const interval of sorted) {
    maxEnd = Math.max(maxEnd, interval.end.getTime());
    starts.push(interval.start.getTime());
    maxEndSoFar.push(maxEnd);
  }
  return { starts, maxEndSoFar };
}

/** Does any blocked interval overlap `slot`? Those starting before the slot ends are a prefix; one of
 * them overlaps exactly when the latest end among them is after the slot's start. */
function overlapsAny(slot: Interval, blocked: Blocked): boolean {
  let lo = 0;
  let hi = blocked.starts.length;
  const end = slot.end.getTime();
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (blocked.starts[mid]! < end) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && blocked.maxEndSoFar[lo - 1]! > slot.start.getTime();
}
