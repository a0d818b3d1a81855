import { describe, expect, it } from "vitest";
import {
  assignLanes,
  gridHours,
} from "~/features/clinic-schedule/board-layout";

const h = (hours: number, minutes = 0) => hours * 60 + minutes;

describe("the hours the day board spans", () => {
  it("are the whole hours around the open hours and appointments, not a fixed 07:00–22:00", () => {
    expect(
      gridHours([
        { start: h(8), end: h(12) },
        { start: h(13, 30), end: h(17, 15) },
      ])
    ).toEqual({ start: h(8), end: h(18) });
    expect(gridHours([{ start: h(8, 45), end: h(9) }])).toEqual({
      start: h(8),
      end: h(9),
    });
  });

  it("are 08:00–18:00 on a day with nothing, and stay inside the day", () => {
    expect(gridHours([])).toEqual({ start: h(8), end: h(18) });
    expect(gridHours([{ start: -30, end: h(24, 30) }])).toEqual({
      start: 0,
      end: h(24),
    });
  });
});

describe("lanes of the blocks in a doctor's row", () => {
  it("keep blocks that follow one another in one lane", () => {
    const blocks = [0, 15, 30].map((start) => ({
      start,
      end: start + 15,
      cancelled: false,
    }));
    expect(assignLanes(blocks)).toEqual({ lanes: [0, 0, 0], count: 1 });
  });

  it("put a cancelled time under the booking that took it, whatever their order", () => {
    const cancelled = { start: 60, end: 75, cancelled: true };
    const rebooked = { start: 60, end: 75, cancelled: false };
    expect(assignLanes([cancelled, rebooked])).toEqual({
      lanes: [1, 0],
      count: 2,
    });
    expect(assignLanes([rebooked, cancelled])).toEqual({
      lanes: [0, 1],
      count: 2,
    });
  });

  it("never give two overlapping blocks one lane", () => {
    const blocks = [
      { start: 0, end: 30, cancelled: false },
      { start: 15, end: 45, cancelled: false },
      { start: 20, end: 25, cancelled: true },
      { start: 30, end: 60, cancelled: false },
    ];
    const { lanes, count } = assignLanes(blocks);
    for (let i = 0; i < blocks.length; i++)
      for (let j = i + 1; j < blocks.length; j++)
        if (
          blocks[i]!.start < blocks[j]!.end &&
          blocks[j]!.start < blocks[i]!.end
        )
          expect(lanes[i]).not.toBe(lanes[j]);
    expect(count).toBe(3);
  });
});
