import { describe, expect, it } from "vitest";
import { countByDay, dayPartOf, daysBetween, splitIntoParts, timePicker } from "~/features/booking/time-picker";
import { parseTimeOfDay, zonedToInstant } from "~/utils/zoned-time";

const SHANGHAI = "Asia/Shanghai";
const LOS_ANGELES = "America/Los_Angeles";
const MINUTE = 60_000;

const at = (iso: string, minutes = 15) => ({ start: new Date(iso), end: new Date(Date.parse(iso) + minutes * MINUTE) });
/** `count` slots of 15 minutes from a wall-clock time in a zone. */
const run = (date: string, time: string, zone: string, count: number) =>
  Array.from({ length: count }, (_, i) => at(new Date(zonedToInstant(date, parseTimeOfDay(time), zone).getTime() + i * 15 * MINUTE).toISOString()));
const starts = (list: { start: string }[]) => list.map((s) => s.start);
const counts = (view: ReturnType<typeof timePicker>) => view.days.map((d) => `${d.date}:${d.count}`);

describe("the time picker", () => {
  // A Shanghai clinic: two times on 1 December, a busy 3 December, one time a week later.
  const slots = [
    ...run("2026-12-01", "11:00", SHANGHAI, 1),
    ...run("2026-12-01", "14:00", SHANGHAI, 1),
    ...run("2026-12-03", "08:00", SHANGHAI, 8),
    ...run("2026-12-03", "13:30", SHANGHAI, 8),
    ...run("2026-12-08", "09:00", SHANGHAI, 1),
  ];
  const now = new Date("2026-12-01T02:00:00Z"); // 10:00 in Shanghai; 18:00 the day before in Los Angeles

  it("shows a week from the viewer's today, with each day's count, days without free times too", () => {
    const view = timePicker(slots, { timeZone: SHANGHAI, now, horizonDays: 28 });
    expect(counts(view)).toEqual([
      "2026-12-01:2",
      "2026-12-02:0",
      "2026-12-03:16",
      "2026-12-04:0",
      "2026-12-05:0",
      "2026-12-06:0",
      "2026-12-07:0",
    ]);
    expect(view.day).toBe("2026-12-01");
    expect(view.parts.map((p) => [p.part, starts(p.shown)])).toEqual([
      ["morning", ["2026-12-01T03:00:00.000Z"]],
      ["afternoon", ["2026-12-01T06:00:00.000Z"]],
    ]);
    expect([view.earlier, view.later]).toEqual([null, "2026-12-08"]);
  });

  it("splits the chosen day into morning and afternoon, the first six of each shown and the rest behind More times", () => {
    const view = timePicker(slots, { timeZone: SHANGHAI, now, horizonDays: 28, day: "2026-12-03" });
    expect(view.day).toBe("2026-12-03");
    expect(view.count).toBe(16);
    expect(view.parts.map((p) => [p.part, p.shown.length, p.more.length])).toEqual([
      ["morning", 6, 2],
      ["afternoon", 6, 2],
    ]);
    expect(view.parts[0]!.more.at(-1)!.start).toBe("2026-12-03T01:45:00.000Z"); // 09:45
    expect(view.parts[1]!.shown[0]!.start).toBe("2026-12-03T05:30:00.000Z"); // 13:30
  });

  it("reads the same times on a viewer's own clock in Los Angeles: other days, other parts of the day", () => {
    const view = timePicker(slots, { timeZone: LOS_ANGELES, now, horizonDays: 28 });
    expect(counts(view)).toEqual([
      "2026-11-30:2",
      "2026-12-01:0",
      "2026-12-02:16",
      "2026-12-03:0",
      "2026-12-04:0",
      "2026-12-05:0",
      "2026-12-06:0",
    ]);
    // 11:00 and 14:00 in Shanghai are 19:00 and 22:00 the evening before.
    expect(view.parts.map((p) => [p.part, p.shown.length])).toEqual([["evening", 2]]);
    const busy = timePicker(slots, { timeZone: LOS_ANGELES, now, horizonDays: 28, day: "2026-12-02" });
    expect(busy.parts.map((p) => [p.part, p.shown.length, p.more.length])).toEqual([
      ["afternoon", 6, 2],
      ["evening", 6, 2],
    ]);
    expect(busy.later).toBe("2026-12-07");
  });

  it("moves a week at a time inside the booking horizon, and no further", () => {
    const second = timePicker(slots, { timeZone: SHANGHAI, now, horizonDays: 28, day: "2026-12-08" });
    expect(second.days.map((d) => d.date)).toEqual(["2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11", "2026-12-12", "2026-12-13", "2026-12-14"]);
    expect([second.day, second.earlier, second.later]).toEqual(["2026-12-08", "2026-12-01", "2026-12-15"]);
    // The horizon ends on 29 December: its week has that one day in the horizon, nothing free, no later week.
    const last = timePicker(slots, { timeZone: SHANGHAI, now, horizonDays: 28, day: "2026-12-29" });
    expect(last.days[0]!.date).toBe("2026-12-29");
    expect([last.day, last.parts, last.count, last.earlier, last.later]).toEqual([null, [], 0, "2026-12-22", null]);
    // A day in the middle of a week shows that week; a shorter horizon has no later week.
    expect(timePicker(slots, { timeZone: SHANGHAI, now, horizonDays: 28, day: "2026-12-10" }).days[0]!.date).toBe("2026-12-08");
    expect(timePicker(slots, { timeZone: SHANGHAI, now, horizonDays: 6 }).later).toBeNull();
  });

  it("takes the first day with free times when the day asked for has none, is past, beyond the horizon or no date", () => {
    for (const day of ["2026-12-02", "2026-11-30", "2026-12-30", "2031-01-01", null, undefined]) {
      expect(timePicker(slots, { timeZone: SHANGHAI, now, horizonDays: 28, day }).day).toBe("2026-12-01");
    }
  });

  it("opens on the week of the first free time when this week has none", () => {
    const view = timePicker(run("2026-12-16", "09:00", SHANGHAI, 3), { timeZone: SHANGHAI, now, horizonDays: 28 });
    expect([view.days[0]!.date, view.day, view.earlier]).toEqual(["2026-12-15", "2026-12-16", "2026-12-08"]);
  });

  it("has a week of empty days and no day when nothing is free", () => {
    const view = timePicker([], { timeZone: SHANGHAI, now, horizonDays: 28 });
    expect(view.days).toHaveLength(7);
    expect(view.days.every((d) => d.count === 0)).toBe(true);
    expect([view.day, view.parts, view.earlier, view.later]).toEqual([null, [], null, "2026-12-08"]);
  });

  it("splits a spring-forward day in Los Angeles by its wall clock, midnight to midnight", () => {
    // 8 March 2026: 02:00 PST becomes 03:00 PDT.
    const day = [
      at("2026-03-08T07:59:00Z"), // 23:59 on 7 March (PST)
      at("2026-03-08T08:00:00Z"), // 00:00 PST
      at("2026-03-08T09:30:00Z"), // 01:30 PST
      at("2026-03-08T10:00:00Z"), // 03:00 PDT, an hour of wall clock skipped
      at("2026-03-08T18:45:00Z"), // 11:45 PDT
      at("2026-03-08T19:00:00Z"), // 12:00 PDT (11:00 had the clocks not changed)
      at("2026-03-09T00:59:00Z"), // 17:59 PDT
      at("2026-03-09T01:00:00Z"), // 18:00 PDT
      at("2026-03-09T07:00:00Z"), // 00:00 PDT on 9 March
    ];
    const view = timePicker(day, { timeZone: LOS_ANGELES, now: new Date("2026-03-05T20:00:00Z"), horizonDays: 28, day: "2026-03-08" });
    expect(counts(view)).toEqual([
      "2026-03-05:0",
      "2026-03-06:0",
      "2026-03-07:1",
      "2026-03-08:7",
      "2026-03-09:1",
      "2026-03-10:0",
      "2026-03-11:0",
    ]);
    expect(view.parts.map((p) => [p.part, starts(p.shown)])).toEqual([
      ["morning", ["2026-03-08T08:00:00.000Z", "2026-03-08T09:30:00.000Z", "2026-03-08T10:00:00.000Z", "2026-03-08T18:45:00.000Z"]],
      ["afternoon", ["2026-03-08T19:00:00.000Z", "2026-03-09T00:59:00.000Z"]],
      ["evening", ["2026-03-09T01:00:00.000Z"]],
    ]);
    // Shanghai has no change: the same instants, its own days.
    expect([...countByDay(day, SHANGHAI)]).toEqual([
      ["2026-03-08", 4],
      ["2026-03-09", 5],
    ]);
  });

  it("keeps both 01:30s of a fall-back day in Los Angeles, and moves its noon by the hour it gained", () => {
    // 1 November 2026: 02:00 PDT becomes 01:00 PST.
    const day = [
      at("2026-10-31T19:00:00Z"), // 12:00 PDT on 31 October
      at("2026-11-01T08:30:00Z"), // 01:30 PDT
      at("2026-11-01T09:30:00Z"), // 01:30 PST
      at("2026-11-01T19:59:00Z"), // 11:59 PST
      at("2026-11-01T20:00:00Z"), // 12:00 PST
      at("2026-11-02T07:59:00Z"), // 23:59 PST
      at("2026-11-02T08:00:00Z"), // 00:00 on 2 November
    ];
    const view = timePicker(day, { timeZone: LOS_ANGELES, now: new Date("2026-10-29T19:00:00Z"), horizonDays: 28, day: "2026-11-01" });
    expect(view.days.slice(2, 5)).toEqual([
      { date: "2026-10-31", count: 1 },
      { date: "2026-11-01", count: 5 },
      { date: "2026-11-02", count: 1 },
    ]);
    expect(view.parts.map((p) => [p.part, starts(p.shown)])).toEqual([
      ["morning", ["2026-11-01T08:30:00.000Z", "2026-11-01T09:30:00.000Z", "2026-11-01T19:59:00.000Z"]],
      ["afternoon", ["2026-11-01T20:00:00.000Z"]],
      ["evening", ["2026-11-02T07:59:00.000Z"]],
    ]);
  });

  it("counts a day in Shanghai from its own midnight, 16:00 UTC", () => {
    expect([...countByDay([at("2026-12-01T15:59:00Z"), at("2026-12-01T16:00:00Z"), at("2026-12-02T01:00:00Z")], SHANGHAI)]).toEqual([
      ["2026-12-01", 1],
      ["2026-12-02", 2],
    ]);
  });

  it("names the parts of the day by the wall clock and lists a short part whole", () => {
    expect([0, 11 * 60 + 59, 12 * 60, 17 * 60 + 59, 18 * 60, 23 * 60 + 59].map(dayPartOf)).toEqual([
      "morning",
      "morning",
      "afternoon",
      "afternoon",
      "evening",
      "evening",
    ]);
    const parts = splitIntoParts(run("2026-12-03", "08:00", SHANGHAI, 3), SHANGHAI, 6);
    expect(parts).toHaveLength(1);
    expect([parts[0]!.shown.length, parts[0]!.more]).toEqual([3, []]);
    expect(daysBetween("2026-03-01", "2026-03-08")).toBe(7);
    expect(daysBetween("2026-11-08", "2026-11-01")).toBe(-7);
  });
});
