import { describe, expect, it } from "vitest";
import { slotsByDay } from "~/features/booking/slot-days";

const at = (iso: string, minutes = 15) => ({ start: new Date(iso), end: new Date(new Date(iso).getTime() + minutes * 60_000) });

describe("slots shown a day at a time", () => {
  const slots = [
    at("2026-12-01T15:30:00Z"), // 23:30 on 1 December in Shanghai
    at("2026-12-01T16:00:00Z"), // 00:00 on 2 December in Shanghai
    at("2026-12-02T01:00:00Z"),
    at("2026-12-03T02:00:00Z"),
  ];

  it("groups slots by the viewer's local date, with counts, in order", () => {
    expect(slotsByDay(slots, "Asia/Shanghai", null).days).toEqual([
      { date: "2026-12-01", count: 1 },
      { date: "2026-12-02", count: 2 },
      { date: "2026-12-03", count: 1 },
    ]);
    // The same instants fall on other dates for a viewer in Los Angeles.
    expect(slotsByDay(slots, "America/Los_Angeles", null).days).toEqual([
      { date: "2026-12-01", count: 3 },
      { date: "2026-12-02", count: 1 },
    ]);
  });

  it("shows the day asked for, or the first day with slots when that day has none", () => {
    const asked = slotsByDay(slots, "Asia/Shanghai", "2026-12-02");
    expect(asked.day).toBe("2026-12-02");
    expect(asked.slots.map((s) => s.start)).toEqual(["2026-12-01T16:00:00.000Z", "2026-12-02T01:00:00.000Z"]);
    expect(slotsByDay(slots, "Asia/Shanghai", "2027-01-01").day).toBe("2026-12-01");
    expect(slotsByDay(slots, "Asia/Shanghai", "not a date").day).toBe("2026-12-01");
  });

  it("has no day and no slots when nothing is free", () => {
    expect(slotsByDay([], "Asia/Shanghai", null)).toEqual({ days: [], day: null, slots: [] });
  });

  it("keeps a day that a daylight-saving change shortens whole", () => {
    // New York falls back on 1 November 2026: 01:30 happens twice.
    const fallBack = [at("2026-11-01T05:30:00Z"), at("2026-11-01T06:30:00Z"), at("2026-11-02T05:00:00Z")];
    expect(slotsByDay(fallBack, "America/New_York", null).days).toEqual([
      { date: "2026-11-01", count: 2 },
      { date: "2026-11-02", count: 1 },
    ]);
  });
});
