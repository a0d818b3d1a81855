import { describe, expect, it } from "vitest";
import { planDemoDay, seededRandom, type DemoDayDoctor, type DemoDayInput, type PlannedAppointment } from "~db/demo-day";
import { DEMO_CASES } from "~db/demo-hospital";
import type { AvailabilityRule } from "~/features/booking/slots";
import { zonedToInstant } from "~/utils/zoned-time";

const ZONE = "Asia/Shanghai";
const MINUTE = 60_000;
const MONDAY = "2031-03-03";
const at = (minutes: number, date = MONDAY) => zonedToInstant(date, minutes, ZONE);

const hours = (slotMinutes: number): AvailabilityRule[] =>
  [1, 2, 3, 4, 5].flatMap((weekday) => [
    { weekday, startMinute: 8 * 60 + 30, endMinute: 11 * 60 + 30, slotMinutes, effectiveFrom: "2031-01-01", effectiveUntil: null },
    { weekday, startMinute: 14 * 60, endMinute: 17 * 60, slotMinutes, effectiveFrom: "2031-01-01", effectiveUntil: null },
  ]);

const doctor = (n: number, extra: Partial<DemoDayDoctor> = {}): DemoDayDoctor => ({
  id: `doctor-${n}`,
  userId: `user-${n}`,
  key: `dr.${n}@yunzhen.example`,
  rules: hours([15, 20, 10, 30][n % 4]!),
  exceptions: [],
  busy: [],
  cases: DEMO_CASES.respiratory,
  ...extra,
});

/** The demo consultation, held before the demo day is planned (here where a busy morning put it: 10:35). */
const demoConsultation = { start: at(10 * 60 + 35), end: at(10 * 60 + 50) };

const input = (now: Date, changes: Partial<DemoDayInput> = {}): DemoDayInput => ({
  date: MONDAY,
  today: MONDAY,
  now,
  timeZone: ZONE,
  doctors: [doctor(0, { quiet: true, busy: [demoConsultation] }), ...Array.from({ length: 12 }, (_, i) => doctor(i + 1))],
  patients: Array.from({ length: 48 }, (_, i) => `patient-${i}`),
  ...changes,
});

const overlap = (a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }) => a.startsAt < b.endsAt && b.startsAt < a.endsAt;

/** Pairs that hold the same doctor or the same patient at once (cancelled ones hold nothing). */
function clashes(plan: PlannedAppointment[]) {
  const held = plan.filter((p) => p.status !== "cancelled");
  return held.flatMap((a, i) => held.slice(i + 1).filter((b) => (a.doctorId === b.doctorId || a.patientId === b.patientId) && overlap(a, b)).map((b) => [a.idempotencyKey, b.idempotencyKey]));
}

/** Statuses that the clock contradicts, and times after it. */
function againstTheClock(plan: PlannedAppointment[], now: Date) {
  const t = now.getTime();
  return plan.filter((p) => {
    const start = p.startsAt.getTime();
    const end = p.endsAt.getTime();
    const times = [p.createdAt, p.updatedAt, p.cancelledAt, p.consultation?.checkedInAt, p.consultation?.admittedAt, p.consultation?.endedAt, p.note?.signedAt];
    if (times.some((time) => time && time.getTime() > t)) return true;
    switch (p.status) {
      case "completed":
        return !(end <= t && p.note && p.consultation?.endedAt);
      case "no_show":
        return !(start + 10 * MINUTE <= t);
      case "in_consultation":
        return !(start <= t && t < end && p.consultation?.admittedAt);
      case "checked_in":
        return !(start - 15 * MINUTE <= t && t < end && p.consultation?.checkedInAt);
      case "booked":
        return !(start > t || (p.doctorId === "doctor-0" && end > t));
      case "cancelled":
        return !p.cancelledAt;
    }
  });
}

describe("the demo day's plan", () => {
  it("at 10:00: a full morning behind, one patient in each call, waiting and booked ones ahead, all consistent with the clock", () => {
    const now = at(10 * 60);
    const plan = planDemoDay(input(now));
    expect(plan.length).toBeGreaterThan(200);
    expect(new Set(plan.map((p) => p.status))).toEqual(new Set(["completed", "no_show", "cancelled", "in_consultation", "checked_in", "booked"]));
    expect(againstTheClock(plan, now)).toEqual([]);
    expect(clashes(plan)).toEqual([]);
    const inCall = plan.filter((p) => p.status === "in_consultation").map((p) => p.doctorId);
    expect(new Set(inCall).size).toBe(inCall.length);
    // Completed visits carry the doctor's signed note.
    const completed = plan.filter((p) => p.status === "completed");
    expect(completed.every((p) => p.note?.authorId === p.doctorId.replace("doctor", "user") && p.note.fields.diagnosis.length > 0)).toBe(true);
  });

  it("leaves the demo patient's time free and puts nobody in the demo doctor's waiting room or call", () => {
    const plan = planDemoDay(input(at(10 * 60)));
    const demoDoctor = plan.filter((p) => p.doctorId === "doctor-0");
    expect(demoDoctor.length).toBeGreaterThan(10);
    expect(demoDoctor.filter((p) => overlap(p, { startsAt: demoConsultation.start, endsAt: demoConsultation.end }))).toEqual([]);
    expect(demoDoctor.filter((p) => p.status === "checked_in" || p.status === "in_consultation")).toEqual([]);
  });

  it("keeps every doctor's and patient's other time free", () => {
    const busyPatient = { start: at(9 * 60), end: at(12 * 60) };
    const plan = planDemoDay(input(at(10 * 60), { patientBusy: new Map([["patient-3", [busyPatient]]]) }));
    expect(plan.filter((p) => p.patientId === "patient-3" && overlap(p, { startsAt: busyPatient.start, endsAt: busyPatient.end }))).toEqual([]);
    // Nobody sees the same doctor twice in a day.
    const pairs = plan.map((p) => `${p.patientId} ${p.doctorId}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it("is the same day every time it is planned, and moves on only with the clock", () => {
    const morning = planDemoDay(input(at(10 * 60)));
    expect(planDemoDay(input(at(10 * 60)))).toEqual(morning);
    const evening = planDemoDay(input(at(18 * 60)));
    expect(evening.map((p) => p.idempotencyKey)).toEqual(morning.map((p) => p.idempotencyKey));
    expect(evening.filter((p) => ["booked", "checked_in", "in_consultation"].includes(p.status))).toEqual([]);
    expect(againstTheClock(evening, at(18 * 60))).toEqual([]);
  });

  it("books the days ahead less, only gains bookings as a day comes nearer, and has a day gone by over", () => {
    const sunday = at(20 * 60, "2031-03-02");
    const ahead = (today: string) => planDemoDay(input(sunday, { today }));
    const nextWeek = ahead("2031-02-24");
    const dayBefore = ahead("2031-03-02");
    const sameDay = planDemoDay(input(at(7 * 60)));
    expect(nextWeek.length).toBeLessThan(dayBefore.length);
    expect(dayBefore.length).toBeLessThan(sameDay.length);
    const keys = new Set(sameDay.map((p) => p.idempotencyKey));
    expect(dayBefore.every((p) => keys.has(p.idempotencyKey))).toBe(true);
    expect(new Set(dayBefore.map((p) => p.status))).toEqual(new Set(["booked", "cancelled"]));
    const dayAfter = at(10 * 60, "2031-03-04");
    const goneBy = planDemoDay(input(dayAfter, { today: "2031-03-04" }));
    expect(goneBy.length).toBe(sameDay.length);
    expect(new Set(goneBy.map((p) => p.status))).toEqual(new Set(["completed", "no_show", "cancelled"]));
    expect(againstTheClock(goneBy, dayAfter)).toEqual([]);
  });

  it("draws from a seeded generator: the same seed, the same numbers", () => {
    const a = seededRandom("2031-03-03|doctor");
    const b = seededRandom("2031-03-03|doctor");
    const numbers = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(numbers);
    expect(numbers.every((n) => n >= 0 && n < 1)).toBe(true);
    expect(Array.from({ length: 5 }, seededRandom("2031-03-04|doctor"))).not.toEqual(numbers);
  });
});
