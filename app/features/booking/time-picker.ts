/**
 * The time picker's view of a doctor's free slots for one viewer: a week of days in the viewer's time
 * zone with how many free slots each has, the chosen day's slots split into parts of the day, and the
 * weeks before and after it inside the booking horizon. Pure: the clock and the zones are arguments.
 */
import type { Interval } from "./slots";
import { addDays, localDateOf, localMinutesOf, parseLocalDate, zonedToInstant } from "~/utils/zoned-time";

const DAY_MS = 24 * 60 * 60_000;

/** A slot as a page receives it. */
export type SlotView = { start: string; end: string };

/** One day of the strip: its local date and how many free slots it has (0: shown, not chosen). */
export type PickerDay = { date: string; count: number };

/**
 * Parts of the viewer's day, by the wall clock: morning before noon, afternoon until 18:00, evening after.
 * A clinic's own hours end by the evening, but a patient abroad sees them at any hour of theirs, and
 * 23:00 is not an afternoon.
 */
export const DAY_PARTS = ["morning", "afternoon", "evening"] as const;
export type DayPart = (typeof DAY_PARTS)[number];

/** A part of the chosen day: the first slots shown at once, the rest behind "More times". */
export type PartOfDay = { part: DayPart; shown: SlotView[]; more: SlotView[] };

export type TimePickerView = {
  /** Seven consecutive local dates, the first at most a few weeks after today. */
  days: PickerDay[];
  /** The day whose slots are listed; null when the week has none. */
  day: string | null;
  /** The chosen day's slots by part of the day; parts without slots are left out. */
  parts: PartOfDay[];
  /** How many free slots the chosen day has. */
  count: number;
  /** The first date of the week before and after this one, when they are inside the booking horizon. */
  earlier: string | null;
  later: string | null;
};

export const WEEK_DAYS = 7;
/** Slots of one part of the day listed before "More times": two rows on a phone, one on a laptop. */
export const SHORT_LIST = 6;

/** The part of the day a wall-clock time (minutes after local midnight) falls in. */
export function dayPartOf(minutes: number): DayPart {
  if (minutes < 12 * 60) return "morning";
  if (minutes < 18 * 60) return "afternoon";
  return "evening";
}

/** Whole days from local date `a` to local date `b` (negative when `b` is earlier). */
export function daysBetween(a: string, b: string): number {
  const [ya, ma, da] = parseLocalDate(a);
  const [yb, mb, db] = parseLocalDate(b);
  return Math.round((Date.UTC(yb, mb - 1, db) - Date.UTC(ya, ma - 1, da)) / DAY_MS);
}

/**
 * How many slots fall on each local date in `timeZone`, in order. `slots` must be in time order: the
 * local date is looked up once a day, not once a slot (a busy doctor has ~1,000 slots a horizon).
 */
export function countByDay(slots: readonly Interval[], timeZone: string): Map<string, number> {
  const counts = new Map<string, number>();
  let date = "";
  let nextMidnight = -Infinity;
  for (const slot of slots) {
    if (slot.start.getTime() >= nextMidnight) {
      date = localDateOf(slot.start, timeZone);
      nextMidnight = zonedToInstant(addDays(date, 1), 0, timeZone).getTime();
    }
    counts.set(date, (counts.get(date) ?? 0) + 1);
  }
  return counts;
}

/** One day's slots (in time order) by part of the day in `timeZone`, each part's first `shortList` shown. */
export function splitIntoParts(slots: readonly Interval[], timeZone: string, shortList = SHORT_LIST): PartOfDay[] {
  const byPart = new Map<DayPart, SlotView[]>();
  for (const slot of slots) {
    const part = dayPartOf(localMinutesOf(slot.start, timeZone));
    let list = byPart.get(part);
    if (!list) byPart.set(part, (list = []));
    list.push({ start: slot.start.toISOString(), end: slot.end.toISOString() });
  }
  return DAY_PARTS.filter((part) => byPart.has(part)).map((part) => {
    const list = byPart.get(part)!;
    return { part, shown: list.slice(0, shortList), more: list.slice(shortList) };
  });
}

/**
 * The picker for a doctor's free `slots` (in time order, all that may be booked now) as a viewer in
 * `timeZone` sees them. Weeks start today (the viewer's today) and step by seven days up to the last
 * date the booking horizon reaches. The week shown is the one of the requested day, or without one (or
 * with one outside the horizon) the week of the first free slot; the day chosen is the requested day when
 * it has slots, else the first day of that week that has.
 */
export function timePicker(
  slots: readonly Interval[],
  options: { timeZone: string; now: Date; horizonDays: number; day?: string | null },
): TimePickerView {
  const { timeZone, now } = options;
  const today = localDateOf(now, timeZone);
  const lastDay = localDateOf(now.getTime() + options.horizonDays * DAY_MS, timeZone);
  const counts = countByDay(slots, timeZone);
  const requested = options.day && today <= options.day && options.day <= lastDay ? options.day : null;
  const target = requested ?? (slots[0] ? localDateOf(slots[0].start, timeZone) : today);
  const weekIndex = Math.max(0, Math.floor(daysBetween(today, target) / WEEK_DAYS));
  const weekStart = addDays(today, weekIndex * WEEK_DAYS);
  const days = Array.from({ length: WEEK_DAYS }, (_, i) => {
    const date = addDays(weekStart, i);
    return { date, count: counts.get(date) ?? 0 };
  });
  const day = days.find((d) => d.date === requested && d.count > 0)?.date ?? days.find((d) => d.count > 0)?.date ?? null;
  // The day's slots by its bounds (the same midnights `countByDay` uses), not a date lookup a slot.
  const [from, until] = day === null ? [0, 0] : [zonedToInstant(day, 0, timeZone).getTime(), zonedToInstant(addDays(day, 1), 0, timeZone).getTime()];
  const daySlots = slots.filter((slot) => from <= slot.start.getTime() && slot.start.getTime() < until);
  const later = addDays(weekStart, WEEK_DAYS);
  return {
    days,
    day,
    parts: splitIntoParts(daySlots, timeZone),
    count: daySlots.length,
    earlier: weekIndex > 0 ? addDays(weekStart, -WEEK_DAYS) : null,
    later: later <= lastDay ? later : null,
  };
}
