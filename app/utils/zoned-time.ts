/**
 * Wall-clock time in an IANA time zone ↔ instants, with nothing but Intl. Never reads the machine's
 * own time zone. Local dates are "YYYY-MM-DD" strings; local times are minutes after midnight.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number };

/** The wall-clock reading in `timeZone` at an instant. */
export function wallClock(instantMs: number, timeZone: string): WallClock {
  const out: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(instantMs)) {
    if (part.type !== "literal") out[part.type] = Number(part.value);
  }
  return {
    year: out.year!,
    month: out.month!,
    day: out.day!,
    hour: out.hour! % 24,
    minute: out.minute!,
    second: out.second!,
  };
}

/** Offset of `timeZone` from UTC at an instant, in minutes (Asia/Shanghai: +480). */
export function offsetMinutes(instantMs: number, timeZone: string): number {
  const w = wallClock(instantMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / MINUTE);
}

/**
 * The instant at which the wall clock in `timeZone` reads `date` + `minutes`. Like Temporal's
 * "compatible" rule: a time skipped by a daylight-saving jump moves forward by the jump; a time that
 * happens twice takes the earlier one.
 */
export function zonedToInstant(date: string, minutes: number, timeZone: string): Date {
  // A pure function of its arguments, asked the same questions over and over (every doctor's rules on
  // every day of a view): remember recent answers.
  const key = `${date}|${minutes}|${timeZone}`;
  const known = instants.get(key);
  if (known !== undefined) return new Date(known);
  const result = computeZonedToInstant(date, minutes, timeZone);
  if (instants.size >= 20_000) instants.clear();
  instants.set(key, result.getTime());
  return result;
}

const instants = new Map<string, number>();

function computeZonedToInstant(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = parseLocalDate(date);
  const asUtc = Date.UTC(y, m - 1, d, 0, minutes);
  const before = offsetMinutes(asUtc - DAY, timeZone);
  const after = offsetMinutes(asUtc + DAY, timeZone);
  const candidates = [asUtc - before * MINUTE, asUtc - after * MINUTE].filter(
    (t) => offsetMinutes(t, timeZone) === Math.round((asUtc - t) / MINUTE),
  );
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(asUtc - before * MINUTE); // in a gap: the pre-jump offset carries it past the jump
}

export function parseLocalDate(date: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a local date: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function formatLocalDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The local date in `timeZone` at an instant. */
export function localDateOf(instant: Date | number, timeZone: string): string {
  const w = wallClock(typeof instant === "number" ? instant : instant.getTime(), timeZone);
  return formatLocalDate(w.year, w.month, w.day);
}

/** Minutes after local midnight in `timeZone` at an instant. */
export function localMinutesOf(instant: Date | number, timeZone: string): number {
  const w = wallClock(typeof instant === "number" ? instant : instant.getTime(), timeZone);
  return w.hour * 60 + w.minute;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = parseLocalDate(date);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return formatLocalDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** ISO weekday of a local date: Monday 1 … Sunday 7. */
export function isoWeekday(date: string): number {
  const [y, m, d] = parseLocalDate(date);
  const day = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** "09:30" → 570. */
export function parseTimeOfDay(value: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)(?::00)?$/.exec(value);
  if (!match) throw new RangeError(`not a time of day: ${value}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** 570 → "09:30". */
export function formatTimeOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
