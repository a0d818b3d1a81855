import { describe, expect, it } from "vitest";
import { doctorPace, estimateWaitMs, roundWait } from "~/features/consultation/wait-estimate";

const MIN = 60_000;
const now = Date.parse("2026-12-02T02:00:00Z");

describe("the doctor's pace today", () => {
  it("is the appointment's length when the doctor has seen nobody today", () => {
    expect(doctorPace([], 15 * MIN)).toEqual({ consultationMs: 15 * MIN, basis: "slot" });
  });

  it("is the median of today's consultations, so one long call does not move it much", () => {
    expect(doctorPace([8 * MIN, 6 * MIN, 45 * MIN], 15 * MIN)).toEqual({ consultationMs: 8 * MIN, basis: "today" });
    expect(doctorPace([6 * MIN, 10 * MIN], 15 * MIN)).toEqual({ consultationMs: 8 * MIN, basis: "today" });
  });

  it("ignores lengths that cannot be (zero, negative, not a number)", () => {
    expect(doctorPace([0, -MIN, Number.NaN], 15 * MIN)).toEqual({ consultationMs: 15 * MIN, basis: "slot" });
    expect(doctorPace([0, 7 * MIN], 15 * MIN)).toEqual({ consultationMs: 7 * MIN, basis: "today" });
  });
});

describe("a waiting patient's estimated wait", () => {
  it("is next to nothing for the next patient while the doctor is free", () => {
    expect(estimateWaitMs({ position: 1, consultationMs: 10 * MIN, callSinceMs: null, nowMs: now })).toBe(0);
  });

  it("counts one consultation for each patient ahead", () => {
    expect(estimateWaitMs({ position: 3, consultationMs: 10 * MIN, callSinceMs: null, nowMs: now })).toBe(20 * MIN);
  });

  it("adds what is left of the call the doctor is in", () => {
    expect(estimateWaitMs({ position: 2, consultationMs: 10 * MIN, callSinceMs: now - 4 * MIN, nowMs: now })).toBe(16 * MIN);
    expect(estimateWaitMs({ position: 1, consultationMs: 10 * MIN, callSinceMs: now, nowMs: now })).toBe(10 * MIN);
  });

  it("still counts a minute of a call that runs past the doctor's usual length", () => {
    expect(estimateWaitMs({ position: 1, consultationMs: 10 * MIN, callSinceMs: now - 25 * MIN, nowMs: now })).toBe(MIN);
  });

  it("treats a call that seems to start later than now (another clock) as just begun", () => {
    expect(estimateWaitMs({ position: 1, consultationMs: 10 * MIN, callSinceMs: now + MIN, nowMs: now })).toBe(10 * MIN);
  });
});

describe("the wait as shown", () => {
  it("is 'a few minutes' under three minutes", () => {
    expect(roundWait(0)).toEqual({ kind: "few" });
    expect(roundWait(3 * MIN - 1)).toEqual({ kind: "few" });
  });

  it("is whole minutes up to ten", () => {
    expect(roundWait(3 * MIN)).toEqual({ kind: "minutes", minutes: 3 });
    expect(roundWait(7.4 * MIN)).toEqual({ kind: "minutes", minutes: 7 });
    expect(roundWait(10 * MIN)).toEqual({ kind: "minutes", minutes: 10 });
  });

  it("is to the nearest five minutes beyond ten", () => {
    expect(roundWait(12 * MIN)).toEqual({ kind: "minutes", minutes: 10 });
    expect(roundWait(13 * MIN)).toEqual({ kind: "minutes", minutes: 15 });
    expect(roundWait(47 * MIN)).toEqual({ kind: "minutes", minutes: 45 });
  });
});
