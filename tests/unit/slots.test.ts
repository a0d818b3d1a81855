import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  type AvailabilityException,
  type AvailabilityRule,
  type Interval,
  type SlotQuery,
  computeFreeSlots,
  nearestSlots,
  offeredSlots,
  overlaps,
} from "~/features/booking/slots";
import { addDays, isoWeekday, localDateOf, localMinutesOf, zonedToInstant } from "~/utils/zoned-time";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const at = (iso: string) => new Date(iso);
const iso = (slots: readonly Interval[]) => slots.map((s) => s.start.toISOString());
const span = (start: string, end: string): Interval => ({ start: at(start), end: at(end) });

function rule(overrides: Partial<AvailabilityRule> = {}): AvailabilityRule {
  return {
    weekday: 1,
    startMinute: 9 * 60,
    endMinute: 12 * 60,
    slotMinutes: 30,
    effectiveFrom: "2020-01-01",
    effectiveUntil: null,
    ...overrides,
  };
}

function query(overrides: Partial<SlotQuery> = {}): SlotQuery {
  return {
    rules: [rule()],
    exceptions: [],
    busy: [],
    // Sunday 2026-11-22 08:00 in Shanghai; the next seven days hold exactly one Monday, 2026-11-23.
    now: at("2026-11-22T00:00:00Z"),
    minNoticeMinutes: 0,
    horizonDays: 7,
    timeZone: "Asia/Shanghai",
    ...overrides,
  };
}

/** Monday 2026-11-23, 09:00–12:00 Shanghai in half hours. */
const MONDAY_SLOTS = [
  "2026-11-23T01:00:00.000Z",
  "2026-11-23T01:30:00.000Z",
  "2026-11-23T02:00:00.000Z",
  "2026-11-23T02:30:00.000Z",
  "2026-11-23T03:00:00.000Z",
  "2026-11-23T03:30:00.000Z",
];

describe("free slots from a weekly rule", () => {
  it("a Monday 09:00–12:00 rule in Shanghai offers six half-hour slots from 01:00Z", () => {
    const slots = computeFreeSlots(query());
    expect(iso(slots)).toEqual(MONDAY_SLOTS);
    for (const slot of slots) expect(slot.end.getTime() - slot.start.getTime()).toBe(30 * MINUTE);
    expect(localDateOf(slots[0]!.start, "Asia/Shanghai")).toBe("2026-11-23");
    expect(localMinutesOf(slots[0]!.start, "Asia/Shanghai")).toBe(9 * 60);
    expect(localMinutesOf(slots[5]!.end, "Asia/Shanghai")).toBe(12 * 60);
  });

  it("hours that are not a whole number of slots offers only whole slots", () => {
    const slots = computeFreeSlots(query({ rules: [rule({ endMinute: 10 * 60 + 50, slotMinutes: 20 })] }));
    expect(iso(slots)).toEqual([
      "2026-11-23T01:00:00.000Z",
      "2026-11-23T01:20:00.000Z",
      "2026-11-23T01:40:00.000Z",
      "2026-11-23T02:00:00.000Z",
      "2026-11-23T02:20:00.000Z",
    ]);
  });

  it("each rule offers slots only on its own weekday", () => {
    const slots = computeFreeSlots(query({ rules: [rule({ weekday: 1 }), rule({ weekday: 3 })] }));
    expect(iso(slots)).toEqual([...MONDAY_SLOTS, ...MONDAY_SLOTS.map((s) => new Date(at(s).getTime() + 2 * DAY).toISOString())]);
    expect(computeFreeSlots(query({ rules: [] }))).toEqual([]);
  });

  it("no free slot overlaps a booked appointment, and only the slots it overlaps are removed", () => {
    const slots = computeFreeSlots(
      query({
        busy: [
          span("2026-11-23T01:30:00Z", "2026-11-23T02:00:00Z"), // exactly one slot
          span("2026-11-23T02:45:00Z", "2026-11-23T03:15:00Z"), // partially overlaps two slots
        ],
      }),
    );
    expect(iso(slots)).toEqual(["2026-11-23T01:00:00.000Z", "2026-11-23T02:00:00.000Z", "2026-11-23T03:30:00.000Z"]);
  });

  it("an appointment that only touches a slot's edge does not take it", () => {
    const slots = computeFreeSlots(
      query({
        busy: [span("2026-11-23T00:00:00Z", "2026-11-23T01:00:00Z"), span("2026-11-23T04:00:00Z", "2026-11-23T05:00:00Z")],
      }),
    );
    expect(iso(slots)).toEqual(MONDAY_SLOTS);
  });

  it("a one-minute appointment inside a slot takes the whole slot", () => {
    const slots = computeFreeSlots(query({ busy: [span("2026-11-23T02:10:00Z", "2026-11-23T02:11:00Z")] }));
    expect(iso(slots)).toEqual(MONDAY_SLOTS.filter((s) => s !== "2026-11-23T02:00:00.000Z"));
  });

  it("a long booking listed before short ones still blocks every slot it covers", () => {
    const slots = computeFreeSlots(
      query({
        busy: [
          span("2026-11-23T03:00:00Z", "2026-11-23T03:05:00Z"),
          span("2026-11-22T00:00:00Z", "2026-11-23T02:30:00Z"),
          span("2026-11-23T01:40:00Z", "2026-11-23T01:50:00Z"),
        ],
      }),
    );
    expect(iso(slots)).toEqual(["2026-11-23T02:30:00.000Z", "2026-11-23T03:30:00.000Z"]);
  });

  it("time off removes the slots it covers", () => {
    const slots = computeFreeSlots(
      query({ exceptions: [{ kind: "time_off", startsAt: at("2026-11-23T02:00:00Z"), endsAt: at("2026-11-23T03:00:00Z") }] }),
    );
    expect(iso(slots)).toEqual(["2026-11-23T01:00:00.000Z", "2026-11-23T01:30:00.000Z", "2026-11-23T03:00:00.000Z", "2026-11-23T03:30:00.000Z"]);
  });

  it("a day of time off removes the whole day", () => {
    const slots = computeFreeSlots(
      query({ exceptions: [{ kind: "time_off", startsAt: at("2026-11-22T16:00:00Z"), endsAt: at("2026-11-23T16:00:00Z") }] }),
    );
    expect(slots).toEqual([]);
  });

  it("extra hours add slots on a day with no rule", () => {
    // Tuesday 2026-11-24 14:00–15:00 Shanghai in 20-minute slots.
    const extra: AvailabilityException = {
      kind: "extra",
      startsAt: at("2026-11-24T06:00:00Z"),
      endsAt: at("2026-11-24T07:00:00Z"),
      slotMinutes: 20,
    };
    const slots = computeFreeSlots(query({ exceptions: [extra] }));
    expect(iso(slots)).toEqual([...MONDAY_SLOTS, "2026-11-24T06:00:00.000Z", "2026-11-24T06:20:00.000Z", "2026-11-24T06:40:00.000Z"]);
    expect(iso(computeFreeSlots(query({ rules: [], exceptions: [extra] })))).toEqual([
      "2026-11-24T06:00:00.000Z",
      "2026-11-24T06:20:00.000Z",
      "2026-11-24T06:40:00.000Z",
    ]);
    for (const slot of slots.slice(6)) expect(slot.end.getTime() - slot.start.getTime()).toBe(20 * MINUTE);
  });

  it("time off and bookings also remove slots of extra hours", () => {
    const slots = computeFreeSlots(
      query({
        rules: [],
        exceptions: [
          { kind: "extra", startsAt: at("2026-11-24T06:00:00Z"), endsAt: at("2026-11-24T08:00:00Z"), slotMinutes: 30 },
          { kind: "time_off", startsAt: at("2026-11-24T06:00:00Z"), endsAt: at("2026-11-24T06:30:00Z") },
        ],
        busy: [span("2026-11-24T07:00:00Z", "2026-11-24T07:30:00Z")],
      }),
    );
    expect(iso(slots)).toEqual(["2026-11-24T06:30:00.000Z", "2026-11-24T07:30:00.000Z"]);
  });

  it("minimum notice drops slots that start before now plus the notice, keeping one that starts exactly then", () => {
    const slots = computeFreeSlots(query({ now: at("2026-11-23T00:00:00Z"), minNoticeMinutes: 120 }));
    expect(iso(slots)).toEqual(MONDAY_SLOTS.slice(2));
  });

  it("a slot already under way is not offered", () => {
    const slots = computeFreeSlots(query({ now: at("2026-11-23T01:10:00Z"), horizonDays: 1 }));
    expect(iso(slots)).toEqual(MONDAY_SLOTS.slice(1));
  });

  it("the booking horizon drops slots starting at or after now plus the horizon", () => {
    // Tuesday 2026-11-17 02:00Z plus six days is Monday 2026-11-23 02:00Z.
    const slots = computeFreeSlots(query({ now: at("2026-11-17T02:00:00Z"), horizonDays: 6 }));
    expect(iso(slots)).toEqual(MONDAY_SLOTS.slice(0, 2));
  });

  it("a notice longer than the horizon leaves nothing", () => {
    expect(computeFreeSlots(query({ minNoticeMinutes: 8 * 24 * 60 }))).toEqual([]);
  });

  it("effective-from and effective-until are inclusive local dates", () => {
    const q = (effectiveFrom: string, effectiveUntil: string | null) =>
      iso(
        computeFreeSlots(
          query({ rules: [rule({ effectiveFrom, effectiveUntil })], now: at("2026-11-10T00:00:00Z"), horizonDays: 35 }),
        ),
      ).map((s) => localDateOf(at(s), "Asia/Shanghai"));
    const days = (...dates: string[]) => dates.flatMap((d) => Array<string>(6).fill(d));
    expect(q("2026-11-23", "2026-11-30")).toEqual(days("2026-11-23", "2026-11-30"));
    expect(q("2026-11-24", "2026-11-29")).toEqual([]);
    expect(q("2026-11-30", "2026-11-30")).toEqual(days("2026-11-30"));
    expect(q("2026-11-23", null)).toEqual(days("2026-11-23", "2026-11-30", "2026-12-07", "2026-12-14"));
    expect(q("2020-01-01", "2026-11-16")).toEqual(days("2026-11-16"));
    expect(q("2026-12-01", "2026-11-01")).toEqual([]);
  });

  it("effective dates are the clinic's local dates, not UTC dates", () => {
    // Monday 2026-11-23 20:00–21:00 in New York is 01:00Z–02:00Z on Tuesday 2026-11-24.
    const newYorkEvening = rule({ startMinute: 20 * 60, endMinute: 21 * 60, slotMinutes: 60 });
    const slots = (effectiveFrom: string, effectiveUntil: string | null) =>
      iso(
        computeFreeSlots(
          query({ rules: [{ ...newYorkEvening, effectiveFrom, effectiveUntil }], timeZone: "America/New_York", horizonDays: 5 }),
        ),
      );
    expect(slots("2020-01-01", "2026-11-23")).toEqual(["2026-11-24T01:00:00.000Z"]);
    expect(slots("2026-11-24", null)).toEqual([]);
  });

  it("duplicate rules do not produce duplicate slots", () => {
    expect(iso(computeFreeSlots(query({ rules: [rule(), rule(), rule({ endMinute: 11 * 60 })] })))).toEqual(MONDAY_SLOTS);
    const extraOverRule: AvailabilityException = {
      kind: "extra",
      startsAt: at("2026-11-23T01:00:00Z"),
      endsAt: at("2026-11-23T02:00:00Z"),
      slotMinutes: 30,
    };
    expect(iso(computeFreeSlots(query({ exceptions: [extraOverRule, extraOverRule] })))).toEqual(MONDAY_SLOTS);
  });

  it("from and until narrow the window to part of a day", () => {
    const slots = computeFreeSlots(
      query({
        now: at("2026-11-10T00:00:00Z"),
        horizonDays: 28,
        from: at("2026-11-30T00:00:00Z"),
        until: at("2026-11-30T02:00:00Z"),
      }),
    );
    expect(iso(slots)).toEqual(["2026-11-30T01:00:00.000Z", "2026-11-30T01:30:00.000Z"]);
  });

  it("from before now plus notice does not bring back slots inside the notice", () => {
    const slots = computeFreeSlots(
      query({ now: at("2026-11-23T00:00:00Z"), minNoticeMinutes: 150, from: at("2026-11-22T00:00:00Z") }),
    );
    expect(iso(slots)).toEqual(MONDAY_SLOTS.slice(3));
  });

  it("until after the horizon does not bring back slots beyond it", () => {
    const slots = computeFreeSlots(
      query({ now: at("2026-11-17T02:00:00Z"), horizonDays: 6, until: at("2026-12-31T00:00:00Z") }),
    );
    expect(iso(slots)).toEqual(MONDAY_SLOTS.slice(0, 2));
  });

  it("an empty window (until not after from) has no slots", () => {
    expect(computeFreeSlots(query({ from: at("2026-11-23T02:00:00Z"), until: at("2026-11-23T02:00:00Z") }))).toEqual([]);
    expect(computeFreeSlots(query({ horizonDays: 0 }))).toEqual([]);
  });

  it("the result does not depend on the order of rules, bookings or exceptions", () => {
    const rules = [rule(), rule({ weekday: 2, startMinute: 14 * 60, endMinute: 17 * 60, slotMinutes: 20 })];
    const busy = [span("2026-11-23T01:30:00Z", "2026-11-23T02:00:00Z"), span("2026-11-24T06:10:00Z", "2026-11-24T06:50:00Z")];
    const exceptions: AvailabilityException[] = [
      { kind: "time_off", startsAt: at("2026-11-23T03:00:00Z"), endsAt: at("2026-11-23T03:30:00Z") },
      { kind: "extra", startsAt: at("2026-11-25T01:00:00Z"), endsAt: at("2026-11-25T02:00:00Z"), slotMinutes: 15 },
    ];
    const forward = computeFreeSlots(query({ rules, busy, exceptions }));
    const backward = computeFreeSlots(query({ rules: [...rules].reverse(), busy: [...busy].reverse(), exceptions: [...exceptions].reverse() }));
    expect(backward).toEqual(forward);
    // Monday 6 − 1 booked − 1 time off; Tuesday 9 − 3 under the 40-minute booking; Wednesday's extra 4
    expect(forward.length).toBe(4 + 6 + 4);
  });
});

describe("slots across daylight-saving changes (clinic in Europe/Berlin)", () => {
  const sunday1to4 = rule({ weekday: 7, startMinute: 60, endMinute: 4 * 60, slotMinutes: 30 });
  const weekdayMorning = rule({ weekday: 1, startMinute: 9 * 60, endMinute: 12 * 60, slotMinutes: 30 });
  const berlin = (now: string, rules: AvailabilityRule[]) =>
    computeFreeSlots({ rules, exceptions: [], busy: [], now: at(now), minNoticeMinutes: 0, horizonDays: 3, timeZone: "Europe/Berlin" });

  it("on the spring-forward Sunday 01:00–04:00 hours have only two real hours: four 30-minute slots from 00:00Z", () => {
    const slots = berlin("2026-03-28T00:00:00Z", [sunday1to4]).filter((s) => localDateOf(s.start, "Europe/Berlin") === "2026-03-29");
    expect(iso(slots)).toEqual(["2026-03-29T00:00:00.000Z", "2026-03-29T00:30:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-29T01:30:00.000Z"]);
    for (const slot of slots) expect(slot.end.getTime() - slot.start.getTime()).toBe(30 * MINUTE);
    expect(slots.map((s) => localMinutesOf(s.start, "Europe/Berlin"))).toEqual([60, 90, 180, 210]);
    expect(localMinutesOf(slots[3]!.end, "Europe/Berlin")).toBe(4 * 60);
  });

  it("on the fall-back Sunday 01:00–04:00 hours have four real hours: eight 30-minute slots", () => {
    const slots = berlin("2026-10-24T00:00:00Z", [sunday1to4]).filter((s) => localDateOf(s.start, "Europe/Berlin") === "2026-10-25");
    expect(slots).toHaveLength(8);
    expect(slots[0]!.start.toISOString()).toBe("2026-10-24T23:00:00.000Z");
    expect(slots[7]!.end.toISOString()).toBe("2026-10-25T03:00:00.000Z");
    for (const [i, slot] of slots.entries()) {
      expect(slot.start.getTime()).toBe(at("2026-10-24T23:00:00Z").getTime() + i * 30 * MINUTE);
      expect(slot.end.getTime() - slot.start.getTime()).toBe(30 * MINUTE);
    }
    // 02:00 and 02:30 are each offered twice, once in summer time and once in winter time
    expect(slots.map((s) => localMinutesOf(s.start, "Europe/Berlin"))).toEqual([60, 90, 120, 150, 120, 150, 180, 210]);
  });

  it("the Monday after spring-forward starts 09:00 at 07:00Z (summer time)", () => {
    const slots = berlin("2026-03-28T00:00:00Z", [weekdayMorning]);
    expect(slots).toHaveLength(6);
    expect(slots[0]!.start.toISOString()).toBe("2026-03-30T07:00:00.000Z");
    expect(slots[5]!.end.toISOString()).toBe("2026-03-30T10:00:00.000Z");
  });

  it("the Monday after fall-back starts 09:00 at 08:00Z (winter time)", () => {
    const slots = berlin("2026-10-24T00:00:00Z", [weekdayMorning]);
    expect(slots).toHaveLength(6);
    expect(slots[0]!.start.toISOString()).toBe("2026-10-26T08:00:00.000Z");
    expect(slots[5]!.end.toISOString()).toBe("2026-10-26T11:00:00.000Z");
  });

  it("the Monday before spring-forward is still in winter time (08:00Z)", () => {
    const slots = berlin("2026-03-22T00:00:00Z", [weekdayMorning]);
    expect(slots[0]!.start.toISOString()).toBe("2026-03-23T08:00:00.000Z");
  });
});

describe("a patient in New York booking a clinic in Shanghai", () => {
  const clinic = (rules: AvailabilityRule[]) =>
    computeFreeSlots({
      rules,
      exceptions: [],
      busy: [],
      // Saturday 2026-11-21 08:00 Shanghai; the week ahead holds one Thursday and one Friday
      now: at("2026-11-21T00:00:00Z"),
      minNoticeMinutes: 0,
      horizonDays: 7,
      timeZone: "Asia/Shanghai",
    });

  it("a Thursday-evening Shanghai slot is the same calendar day, 06:00, in New York", () => {
    const slots = clinic([rule({ weekday: 4, startMinute: 19 * 60, endMinute: 20 * 60, slotMinutes: 60 })]);
    expect(iso(slots)).toEqual(["2026-11-26T11:00:00.000Z"]);
    const slot = slots[0]!;
    expect(isoWeekday(localDateOf(slot.start, "Asia/Shanghai"))).toBe(4);
    expect(localDateOf(slot.start, "Asia/Shanghai")).toBe("2026-11-26");
    expect(localMinutesOf(slot.start, "Asia/Shanghai")).toBe(19 * 60);
    expect(localDateOf(slot.start, "America/New_York")).toBe("2026-11-26");
    expect(localMinutesOf(slot.start, "America/New_York")).toBe(6 * 60);
  });

  it("a Friday-morning 08:00 Shanghai slot is still Thursday evening, 19:00, in New York", () => {
    const slots = clinic([rule({ weekday: 5, startMinute: 8 * 60, endMinute: 9 * 60, slotMinutes: 60 })]);
    expect(iso(slots)).toEqual(["2026-11-27T00:00:00.000Z"]);
    const slot = slots[0]!;
    expect(localDateOf(slot.start, "Asia/Shanghai")).toBe("2026-11-27");
    expect(isoWeekday(localDateOf(slot.start, "Asia/Shanghai"))).toBe(5);
    expect(localDateOf(slot.start, "America/New_York")).toBe("2026-11-26");
    expect(isoWeekday(localDateOf(slot.start, "America/New_York"))).toBe(4);
    expect(localMinutesOf(slot.start, "America/New_York")).toBe(19 * 60);
  });
});

describe("overlap of half-open intervals", () => {
  it.each([
    ["01:00", "02:00", "01:30", "02:30", true],
    ["01:00", "02:00", "02:00", "03:00", false],
    ["01:00", "02:00", "00:00", "01:00", false],
    ["01:00", "03:00", "01:30", "02:00", true],
    ["01:00", "02:00", "01:00", "02:00", true],
    ["01:00", "02:00", "03:00", "04:00", false],
  ])("[%s, %s) and [%s, %s) overlap: %s", (a0, a1, b0, b1, expected) => {
    const d = (t: string) => at(`2026-11-23T${t}:00Z`);
    expect(overlaps({ start: d(a0), end: d(a1) }, { start: d(b0), end: d(b1) })).toBe(expected);
    expect(overlaps({ start: d(b0), end: d(b1) }, { start: d(a0), end: d(a1) })).toBe(expected);
  });

  it("two intervals overlap exactly when some minute lies in both", () => {
    const interval = fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 20 }))
      .map(([s, len]) => ({ start: new Date(s * MINUTE), end: new Date((s + len) * MINUTE) }));
    fc.assert(
      fc.property(interval, interval, (a, b) => {
        let shared = false;
        for (let t = a.start.getTime(); t < a.end.getTime(); t += MINUTE) {
          if (t >= b.start.getTime() && t < b.end.getTime()) shared = true;
        }
        expect(overlaps(a, b)).toBe(shared);
        expect(overlaps(b, a)).toBe(shared);
      }),
      { numRuns: 300 },
    );
  });
});

describe("nearest slots to a requested time", () => {
  const slots = [
    span("2026-11-23T03:00:00Z", "2026-11-23T03:30:00Z"),
    span("2026-11-23T01:00:00Z", "2026-11-23T01:30:00Z"),
    span("2026-11-23T02:30:00Z", "2026-11-23T03:00:00Z"),
    span("2026-11-23T01:30:00Z", "2026-11-23T02:00:00Z"),
    span("2026-11-23T02:00:00Z", "2026-11-23T02:30:00Z"),
  ];

  it("returns the closest slots sorted by start, the sooner one winning a tie", () => {
    const nearest = nearestSlots(slots, at("2026-11-23T02:15:00Z"), 3);
    expect(iso(nearest)).toEqual(["2026-11-23T01:30:00.000Z", "2026-11-23T02:00:00.000Z", "2026-11-23T02:30:00.000Z"]);
  });

  it("returns every slot, sorted, when fewer exist than asked for, and leaves the input untouched", () => {
    const before = iso(slots);
    expect(iso(nearestSlots(slots, at("2026-12-01T00:00:00Z"), 10))).toEqual([...before].sort());
    expect(iso(slots)).toEqual(before);
    expect(nearestSlots(slots, at("2026-11-23T02:15:00Z"), 0)).toEqual([]);
    expect(nearestSlots([], at("2026-11-23T02:15:00Z"), 3)).toEqual([]);
  });

  it("no slot left out is closer to the requested time than one returned", () => {
    const slotList = fc
      .uniqueArray(fc.integer({ min: 0, max: 2000 }), { maxLength: 30 })
      .map((starts) => starts.map((s) => ({ start: new Date(s * 15 * MINUTE), end: new Date((s + 2) * 15 * MINUTE) })));
    fc.assert(
      fc.property(slotList, fc.integer({ min: -100, max: 2100 }), fc.integer({ min: 0, max: 40 }), (list, targetQ, count) => {
        const target = new Date(targetQ * 15 * MINUTE);
        const nearest = nearestSlots(list, target, count);
        expect(nearest).toHaveLength(Math.min(count, list.length));
        const starts = nearest.map((s) => s.start.getTime());
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
        const distance = (s: Interval) => Math.abs(s.start.getTime() - target.getTime());
        const worstKept = Math.max(-1, ...nearest.map(distance));
        for (const slot of list) {
          if (!nearest.includes(slot)) expect(distance(slot)).toBeGreaterThanOrEqual(worstKept);
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Property-based: random clinics, bookings and time off.

const ZONES = ["Europe/Berlin", "America/New_York", "Asia/Shanghai", "Australia/Sydney", "America/Santiago", "UTC"] as const;
const SLOT_MINUTES = [10, 15, 20, 30, 60] as const;

/** Instants near which some zone in ZONES changes its clocks, 2026–2027. */
const CLOCK_CHANGES = [
  "2026-03-08T07:00:00Z",
  "2026-03-29T01:00:00Z",
  "2026-04-04T16:00:00Z",
  "2026-04-05T03:00:00Z",
  "2026-09-06T04:00:00Z",
  "2026-10-03T16:00:00Z",
  "2026-10-25T01:00:00Z",
  "2026-11-01T06:00:00Z",
  "2027-03-14T07:00:00Z",
  "2027-03-28T01:00:00Z",
  "2027-04-03T16:00:00Z",
  "2027-04-04T03:00:00Z",
  "2027-09-05T04:00:00Z",
  "2027-10-02T16:00:00Z",
  "2027-10-31T01:00:00Z",
  "2027-11-07T06:00:00Z",
].map((s) => at(s).getTime());

const localDate = fc.integer({ min: 0, max: 800 }).map((days) => addDays("2025-11-01", days));

const ruleArb: fc.Arbitrary<AvailabilityRule> = fc
  .record({
    weekday: fc.integer({ min: 1, max: 7 }),
    start5: fc.integer({ min: 0, max: 287 }),
    length5: fc.integer({ min: 1, max: 288 }),
    slotMinutes: fc.constantFrom(...SLOT_MINUTES),
    effectiveFrom: fc.oneof(fc.constant("2020-01-01"), localDate),
    effectiveUntil: fc.option(localDate, { nil: null }),
  })
  .map(({ weekday, start5, length5, slotMinutes, effectiveFrom, effectiveUntil }) => ({
    weekday,
    startMinute: start5 * 5,
    endMinute: Math.min(288, start5 + length5) * 5,
    slotMinutes,
    effectiveFrom,
    effectiveUntil,
  }));

/** Any instant in 2026–2027, or one within three weeks of a clock change. */
const nowArb = fc.oneof(
  fc.integer({ min: at("2026-01-01T00:00:00Z").getTime(), max: at("2027-12-31T23:59:59Z").getTime() }),
  fc
    .tuple(fc.constantFrom(...CLOCK_CHANGES), fc.integer({ min: -21 * DAY, max: 2 * DAY }))
    .map(([change, delta]) => change + delta),
);

/** An interval placed relative to `now`, from a day before to four weeks after. */
const relativeInterval = (maxMinutes: number) =>
  fc.record({
    offset: fc.integer({ min: -24 * 60, max: 28 * 24 * 60 }),
    minutes: fc.integer({ min: 1, max: maxMinutes }),
    aligned: fc.boolean(),
  });

type Scenario = SlotQuery & { extras: Extract<AvailabilityException, { kind: "extra" }>[]; timeOff: Interval[] };

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    rules: fc.array(ruleArb, { maxLength: 4 }),
    busy: fc.array(relativeInterval(480), { maxLength: 12 }),
    timeOff: fc.array(relativeInterval(3 * 24 * 60), { maxLength: 3 }),
    extras: fc.array(fc.record({ at: relativeInterval(600), slotMinutes: fc.constantFrom(...SLOT_MINUTES) }), { maxLength: 2 }),
    now: nowArb,
    minNoticeMinutes: fc.integer({ min: 0, max: 1440 }),
    horizonDays: fc.integer({ min: 1, max: 28 }),
    timeZone: fc.constantFrom(...ZONES),
  })
  .map((r) => {
    // "aligned" intervals sit on the five-minute grid that rules use; the others start anywhere in the minute
    const place = ({ offset, minutes, aligned }: { offset: number; minutes: number; aligned: boolean }): Interval => {
      const base = aligned ? Math.floor(r.now / (5 * MINUTE)) * 5 * MINUTE + Math.round(offset / 5) * 5 * MINUTE : r.now + offset * MINUTE;
      return { start: new Date(base), end: new Date(base + minutes * MINUTE) };
    };
    const timeOff = r.timeOff.map(place);
    const extras = r.extras.map(({ at: where, slotMinutes }) => {
      const { start, end } = place(where);
      return { kind: "extra" as const, startsAt: start, endsAt: end, slotMinutes };
    });
    return {
      rules: r.rules,
      exceptions: [...timeOff.map((t) => ({ kind: "time_off" as const, startsAt: t.start, endsAt: t.end })), ...extras],
      busy: r.busy.map(place),
      now: new Date(r.now),
      minNoticeMinutes: r.minNoticeMinutes,
      horizonDays: r.horizonDays,
      timeZone: r.timeZone,
      extras,
      timeOff,
    };
  });

type Occurrence = { start: number; end: number; slotMinutes: number; date: string | null };

/** Every block of hours a scenario's rules and extras hold around its window, by local date. */
function occurrencesOf(s: Scenario): Occurrence[] {
  const out: Occurrence[] = [];
  const last = localDateOf(s.now.getTime() + (s.horizonDays + 2) * DAY, s.timeZone);
  for (let date = localDateOf(s.now.getTime() - 2 * DAY, s.timeZone); date <= last; date = addDays(date, 1)) {
    for (const r of s.rules) {
      if (r.weekday !== isoWeekday(date) || date < r.effectiveFrom) continue;
      if (r.effectiveUntil !== null && date > r.effectiveUntil) continue;
      out.push({
        start: zonedToInstant(date, r.startMinute, s.timeZone).getTime(),
        end: zonedToInstant(date, r.endMinute, s.timeZone).getTime(),
        slotMinutes: r.slotMinutes,
        date,
      });
    }
  }
  for (const e of s.extras) out.push({ start: e.startsAt.getTime(), end: e.endsAt.getTime(), slotMinutes: e.slotMinutes, date: null });
  return out;
}

/** The slots a clinic should offer, by the plainest possible reading of the rules. */
function expectedFreeSlots(s: Scenario): string[] {
  const earliest = s.now.getTime() + s.minNoticeMinutes * MINUTE;
  const latest = s.now.getTime() + s.horizonDays * DAY;
  const blocked = [...s.busy, ...s.timeOff];
  const keys = new Set<string>();
  for (const occ of occurrencesOf(s)) {
    const step = occ.slotMinutes * MINUTE;
    for (let t = occ.start; t + step <= occ.end; t += step) {
      const slot = { start: new Date(t), end: new Date(t + step) };
      if (t < earliest || t >= latest || blocked.some((b) => overlaps(slot, b))) continue;
      keys.add(`${t}/${t + step}`);
    }
  }
  return [...keys]
    .map((k) => k.split("/").map(Number) as [number, number])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([start, end]) => `${new Date(start).toISOString()}/${new Date(end).toISOString()}`);
}

const keyOf = (slot: Interval) => `${slot.start.toISOString()}/${slot.end.toISOString()}`;
const PROPERTY_RUNS = { numRuns: 250 };

// 250 generated clinics a property: a second or two on a quiet machine, more on a busy one.
describe("free slots for any clinic (property-based)", { timeout: 30_000 }, () => {
  it("no free slot overlaps a booked appointment or time off", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        for (const slot of computeFreeSlots(s)) {
          for (const b of s.busy) expect(overlaps(slot, b)).toBe(false);
          for (const t of s.timeOff) expect(overlaps(slot, t)).toBe(false);
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it("every free slot starts at or after now plus the notice and before now plus the horizon", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const earliest = s.now.getTime() + s.minNoticeMinutes * MINUTE;
        const latest = s.now.getTime() + s.horizonDays * DAY;
        for (const slot of computeFreeSlots(s)) {
          expect(slot.start.getTime()).toBeGreaterThanOrEqual(earliest);
          expect(slot.start.getTime()).toBeLessThan(latest);
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it("every free slot lies inside a rule's hours on a matching, effective local day, or inside extra hours, on its slot grid", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        for (const slot of computeFreeSlots(s)) {
          const start = slot.start.getTime();
          const end = slot.end.getTime();
          const startDate = localDateOf(slot.start, s.timeZone);
          const candidateDates = [startDate, addDays(startDate, -1)];
          const fromRule = s.rules.some((r) =>
            candidateDates.some(
              (date) =>
                r.weekday === isoWeekday(date) &&
                r.effectiveFrom <= date &&
                (r.effectiveUntil === null || date <= r.effectiveUntil) &&
                start >= zonedToInstant(date, r.startMinute, s.timeZone).getTime() &&
                end <= zonedToInstant(date, r.endMinute, s.timeZone).getTime() &&
                end - start === r.slotMinutes * MINUTE &&
                (start - zonedToInstant(date, r.startMinute, s.timeZone).getTime()) % (r.slotMinutes * MINUTE) === 0,
            ),
          );
          const fromExtra = s.extras.some(
            (e) =>
              start >= e.startsAt.getTime() &&
              end <= e.endsAt.getTime() &&
              end - start === e.slotMinutes * MINUTE &&
              (start - e.startsAt.getTime()) % (e.slotMinutes * MINUTE) === 0,
          );
          expect(fromRule || fromExtra, `${keyOf(slot)} in ${s.timeZone}`).toBe(true);
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it("free slots are sorted by start, never repeated, and each as long as some rule's or extra hours' slot", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const slots = computeFreeSlots(s);
        const lengths = new Set([...s.rules, ...s.extras].map((x) => x.slotMinutes * MINUTE));
        for (const [i, slot] of slots.entries()) {
          expect(lengths.has(slot.end.getTime() - slot.start.getTime())).toBe(true);
          if (i === 0) continue;
          const prev = slots[i - 1]!;
          const order = prev.start.getTime() - slot.start.getTime() || prev.end.getTime() - slot.end.getTime();
          expect(order).toBeLessThan(0);
        }
        expect(new Set(slots.map(keyOf)).size).toBe(slots.length);
      }),
      PROPERTY_RUNS,
    );
  });

  it("every slot that is offered, free and inside the booking window is returned", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        expect(computeFreeSlots(s).map(keyOf)).toEqual(expectedFreeSlots(s));
      }),
      PROPERTY_RUNS,
    );
  });

  it("booking a free slot removes exactly that slot and the free slots overlapping it", () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), (s, pick) => {
        const before = computeFreeSlots(s);
        fc.pre(before.length > 0);
        const booked = before[pick % before.length]!;
        const after = computeFreeSlots({ ...s, busy: [...s.busy, { start: booked.start, end: booked.end }] });
        expect(after.map(keyOf)).toEqual(before.filter((slot) => !overlaps(slot, booked)).map(keyOf));
      }),
      { numRuns: 200 },
    );
  });

  it("narrowing with from/until returns exactly the free slots that start inside the narrower window", () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: -DAY, max: 29 * DAY }), fc.integer({ min: 0, max: 3 * DAY }), (s, offset, width) => {
        const from = new Date(s.now.getTime() + offset);
        const until = new Date(from.getTime() + width);
        const narrowed = computeFreeSlots({ ...s, from, until });
        const filtered = computeFreeSlots(s).filter((slot) => slot.start >= from && slot.start < until);
        expect(narrowed.map(keyOf)).toEqual(filtered.map(keyOf));
      }),
      { numRuns: 200 },
    );
  });

  it("offered slots include every free slot", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const latest = new Date(s.now.getTime() + s.horizonDays * DAY);
        const offered = new Set(offeredSlots(s.rules, s.exceptions, s.timeZone, s.now, latest).map(keyOf));
        for (const slot of computeFreeSlots(s)) expect(offered.has(keyOf(slot))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
