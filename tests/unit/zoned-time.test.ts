import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  addDays,
  formatLocalDate,
  formatTimeOfDay,
  isoWeekday,
  localDateOf,
  localMinutesOf,
  offsetMinutes,
  parseLocalDate,
  parseTimeOfDay,
  wallClock,
  zonedToInstant,
} from "~/utils/zoned-time";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const ZONES = [
  "Asia/Shanghai",
  "Europe/Berlin",
  "America/New_York",
  "Australia/Sydney",
  "Asia/Kolkata",
  "Australia/Lord_Howe",
  "America/Santiago",
  "UTC",
] as const;

const at = (iso: string) => new Date(iso).getTime();

/** A local date between 2020-01-01 and 2035-12-31. */
const localDate2020to2035 = fc
  .integer({ min: 0, max: Math.round((Date.UTC(2035, 11, 31) - Date.UTC(2020, 0, 1)) / (24 * HOUR)) })
  .map((days) => addDays("2020-01-01", days));

const minuteOfDay = fc.integer({ min: 0, max: 1439 });

/** Sunday number `n` (1-based) of a month, or the last one when n is -1; computed without the module. */
function sunday(year: number, month: number, n: number): string {
  if (n > 0) {
    const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    const day = 1 + ((7 - firstWeekday) % 7) + (n - 1) * 7;
    return formatLocalDate(year, month, day);
  }
  const lastDay = new Date(Date.UTC(year, month, 0));
  return formatLocalDate(year, month, lastDay.getUTCDate() - lastDay.getUTCDay());
}

/** The local dates on which each daylight-saving zone changes its clocks, 2020–2035. */
function transitionDays(zone: "Europe/Berlin" | "America/New_York" | "Australia/Sydney"): string[] {
  const days: string[] = [];
  for (let year = 2020; year <= 2035; year++) {
    if (zone === "Europe/Berlin") days.push(sunday(year, 3, -1), sunday(year, 10, -1));
    if (zone === "America/New_York") days.push(sunday(year, 3, 2), sunday(year, 11, 1));
    if (zone === "Australia/Sydney") days.push(sunday(year, 4, 1), sunday(year, 10, 1));
  }
  return days;
}

/**
 * Every instant at which the wall clock in `zone` reads `date` + `minutes`, found by brute force over
 * every offset a zone can have (UTC−12 … UTC+14 in quarter hours). Empty inside a daylight-saving gap.
 */
function occurrences(date: string, minutes: number, zone: string): number[] {
  const [y, m, d] = parseLocalDate(date);
  const asUtc = Date.UTC(y, m - 1, d, 0, minutes);
  const found: number[] = [];
  for (let offset = -12 * 60; offset <= 14 * 60; offset += 15) {
    const t = asUtc - offset * MINUTE;
    if (localDateOf(t, zone) === date && localMinutesOf(t, zone) === minutes) found.push(t);
  }
  return found.sort((a, b) => a - b);
}

describe("wall-clock time in a clinic's zone ↔ instants", () => {
  it("an ordinary wall-clock time converts to an instant that reads back as the same date and time", () => {
    fc.assert(
      fc.property(localDate2020to2035, minuteOfDay, fc.constantFrom(...ZONES), (date, minutes, zone) => {
        const instant = zonedToInstant(date, minutes, zone);
        if (occurrences(date, minutes, zone).length === 0) return; // inside a daylight-saving gap
        expect(localDateOf(instant, zone)).toBe(date);
        expect(localMinutesOf(instant, zone)).toBe(minutes);
        expect(instant.getUTCSeconds()).toBe(0);
        expect(instant.getUTCMilliseconds()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it("on clock-change days a skipped time moves forward by the jump and a repeated time takes the earlier instant", () => {
    const zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney"] as const;
    const dayInZone = fc
      .constantFrom(...zones)
      .chain((zone) => fc.tuple(fc.constant(zone), fc.constantFrom(...transitionDays(zone))));
    fc.assert(
      fc.property(dayInZone, minuteOfDay, ([zone, date], minutes) => {
        const instant = zonedToInstant(date, minutes, zone).getTime();
        const found = occurrences(date, minutes, zone);
        if (found.length > 0) {
          expect(instant).toBe(found[0]);
        } else {
          const jump = offsetMinutes(instant, zone) - offsetMinutes(instant - 3 * HOUR, zone);
          expect(jump).toBeGreaterThan(0);
          expect(localDateOf(instant, zone)).toBe(date);
          expect(localMinutesOf(instant, zone)).toBe(minutes + jump);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a wall-clock time is the instant minus the zone's offset at that instant", () => {
    fc.assert(
      fc.property(localDate2020to2035, minuteOfDay, fc.constantFrom(...ZONES), (date, minutes, zone) => {
        fc.pre(occurrences(date, minutes, zone).length > 0);
        const instant = zonedToInstant(date, minutes, zone).getTime();
        const [y, m, d] = parseLocalDate(date);
        expect(instant).toBe(Date.UTC(y, m - 1, d, 0, minutes) - offsetMinutes(instant, zone) * MINUTE);
      }),
      { numRuns: 200 },
    );
  });

  it("Berlin spring-forward: 02:30 on 2026-03-29 does not exist and resolves to 03:30 CEST (01:30Z)", () => {
    const instant = zonedToInstant("2026-03-29", 2 * 60 + 30, "Europe/Berlin");
    expect(instant.toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(localMinutesOf(instant, "Europe/Berlin")).toBe(3 * 60 + 30);
    expect(offsetMinutes(instant.getTime(), "Europe/Berlin")).toBe(120);
  });

  it("Berlin spring-forward: the times either side of the gap are exact", () => {
    expect(zonedToInstant("2026-03-29", 60 + 59, "Europe/Berlin").toISOString()).toBe("2026-03-29T00:59:00.000Z");
    expect(zonedToInstant("2026-03-29", 2 * 60, "Europe/Berlin").toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(zonedToInstant("2026-03-29", 3 * 60, "Europe/Berlin").toISOString()).toBe("2026-03-29T01:00:00.000Z");
  });

  it("Berlin fall-back: 02:30 on 2026-10-25 happens twice and resolves to the earlier (00:30Z)", () => {
    const instant = zonedToInstant("2026-10-25", 2 * 60 + 30, "Europe/Berlin");
    expect(instant.toISOString()).toBe("2026-10-25T00:30:00.000Z");
    // the later reading of 02:30 is an hour on, in CET
    expect(localMinutesOf(instant.getTime() + HOUR, "Europe/Berlin")).toBe(2 * 60 + 30);
    expect(offsetMinutes(instant.getTime(), "Europe/Berlin")).toBe(120);
    expect(offsetMinutes(instant.getTime() + HOUR, "Europe/Berlin")).toBe(60);
  });

  it("New York spring-forward and fall-back follow the same rule", () => {
    expect(zonedToInstant("2026-03-08", 2 * 60 + 30, "America/New_York").toISOString()).toBe("2026-03-08T07:30:00.000Z");
    expect(zonedToInstant("2026-11-01", 60 + 30, "America/New_York").toISOString()).toBe("2026-11-01T05:30:00.000Z");
  });

  it("midnight and the end of the day (minute 1440) convert to the right instants", () => {
    expect(zonedToInstant("2026-11-26", 0, "Asia/Shanghai").toISOString()).toBe("2026-11-25T16:00:00.000Z");
    expect(zonedToInstant("2026-11-26", 1440, "Asia/Shanghai").toISOString()).toBe("2026-11-26T16:00:00.000Z");
    expect(zonedToInstant("2026-12-31", 23 * 60 + 59, "UTC").toISOString()).toBe("2026-12-31T23:59:00.000Z");
  });
});

describe("a zone's offset from UTC", () => {
  it.each([
    ["Asia/Shanghai", "2026-01-15T12:00:00Z", 480],
    ["Asia/Shanghai", "2026-07-15T12:00:00Z", 480],
    ["Europe/Berlin", "2026-01-15T12:00:00Z", 60],
    ["Europe/Berlin", "2026-07-15T12:00:00Z", 120],
    ["America/New_York", "2026-01-15T12:00:00Z", -300],
    ["America/New_York", "2026-07-15T12:00:00Z", -240],
    ["Asia/Kolkata", "2026-07-15T12:00:00Z", 330],
    ["Australia/Sydney", "2026-01-15T12:00:00Z", 660],
    ["Australia/Sydney", "2026-07-15T12:00:00Z", 600],
    ["UTC", "2026-07-15T12:00:00Z", 0],
  ])("%s at %s is %i minutes", (zone, iso, expected) => {
    expect(offsetMinutes(at(iso), zone)).toBe(expected);
  });

  it("Berlin's offset changes exactly at 01:00Z on the days the clocks change", () => {
    expect(offsetMinutes(at("2026-03-29T00:59:59Z"), "Europe/Berlin")).toBe(60);
    expect(offsetMinutes(at("2026-03-29T01:00:00Z"), "Europe/Berlin")).toBe(120);
    expect(offsetMinutes(at("2026-10-25T00:59:59Z"), "Europe/Berlin")).toBe(120);
    expect(offsetMinutes(at("2026-10-25T01:00:00Z"), "Europe/Berlin")).toBe(60);
  });

  it("the wall clock equals the instant shifted by the offset", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 11, 31) }),
        fc.constantFrom(...ZONES),
        (instant, zone) => {
          const shifted = new Date(Math.floor(instant / 1000) * 1000 + offsetMinutes(instant, zone) * MINUTE);
          const w = wallClock(instant, zone);
          expect([w.year, w.month, w.day, w.hour, w.minute, w.second]).toEqual([
            shifted.getUTCFullYear(),
            shifted.getUTCMonth() + 1,
            shifted.getUTCDate(),
            shifted.getUTCHours(),
            shifted.getUTCMinutes(),
            shifted.getUTCSeconds(),
          ]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("local dates of instants", () => {
  it("the same instant can be different calendar days in different zones", () => {
    const instant = at("2026-11-26T20:00:00Z");
    expect(localDateOf(instant, "Asia/Shanghai")).toBe("2026-11-27");
    expect(localMinutesOf(instant, "Asia/Shanghai")).toBe(4 * 60);
    expect(localDateOf(new Date(instant), "America/New_York")).toBe("2026-11-26");
    expect(localMinutesOf(new Date(instant), "America/New_York")).toBe(15 * 60);
  });
});

describe("calendar arithmetic on local dates", () => {
  it.each([
    ["2026-01-31", 1, "2026-02-01"],
    ["2026-02-28", 1, "2026-03-01"],
    ["2026-12-31", 1, "2027-01-01"],
    ["2027-01-01", -1, "2026-12-31"],
    ["2028-02-28", 1, "2028-02-29"],
    ["2028-02-29", 1, "2028-03-01"],
    ["2028-03-01", -1, "2028-02-29"],
    ["2100-02-28", 1, "2100-03-01"],
    ["2000-02-28", 1, "2000-02-29"],
    ["2026-03-29", 0, "2026-03-29"],
    ["2026-11-26", 35, "2026-12-31"],
    ["2026-11-26", 365, "2027-11-26"],
  ])("%s plus %i days is %s", (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it("adding and then subtracting days returns to the same date", () => {
    fc.assert(
      fc.property(localDate2020to2035, fc.integer({ min: -1000, max: 1000 }), (date, days) => {
        expect(addDays(addDays(date, days), -days)).toBe(date);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ["2026-11-23", 1],
    ["2026-11-26", 4],
    ["2026-11-29", 7],
    ["2026-03-29", 7],
    ["2028-02-29", 2],
    ["2027-01-01", 5],
  ])("%s is ISO weekday %i", (date, weekday) => {
    expect(isoWeekday(date)).toBe(weekday);
  });

  it("the weekday advances by one each day, Sunday (7) to Monday (1)", () => {
    fc.assert(
      fc.property(localDate2020to2035, (date) => {
        const weekday = isoWeekday(date);
        expect(weekday).toBeGreaterThanOrEqual(1);
        expect(weekday).toBeLessThanOrEqual(7);
        expect(isoWeekday(addDays(date, 1))).toBe((weekday % 7) + 1);
        expect(isoWeekday(addDays(date, 7))).toBe(weekday);
      }),
      { numRuns: 200 },
    );
  });

  it.each(["2026-3-29", "20260329", "", "2026-03-29T00:00"])("a malformed local date %j is refused", (value) => {
    expect(() => parseLocalDate(value)).toThrow(RangeError);
    expect(() => addDays(value, 1)).toThrow(RangeError);
  });
});

describe("times of day", () => {
  it.each([
    ["00:00", 0],
    ["09:30", 570],
    ["12:00", 720],
    ["23:59", 1439],
    ["09:30:00", 570],
  ])("%s is %i minutes after midnight", (value, minutes) => {
    expect(parseTimeOfDay(value)).toBe(minutes);
  });

  it.each(["24:00", "9:30", "12:60", "", "noon", " 09:30", "09:30 ", "09:30:15", "-01:00"])(
    "%j is refused as a time of day",
    (value) => {
      expect(() => parseTimeOfDay(value)).toThrow(RangeError);
    },
  );

  it("every minute of the day formats as HH:MM and parses back to itself", () => {
    fc.assert(
      fc.property(minuteOfDay, (minutes) => {
        const text = formatTimeOfDay(minutes);
        expect(text).toMatch(/^\d{2}:\d{2}$/);
        expect(parseTimeOfDay(text)).toBe(minutes);
      }),
      { numRuns: 300 },
    );
  });

  it("formats 570 as 09:30", () => {
    expect(formatTimeOfDay(570)).toBe("09:30");
    expect(formatTimeOfDay(0)).toBe("00:00");
  });
});
