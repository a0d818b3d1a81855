import { describe, expect, it } from "vitest";
import { availableIntervals, combineSummaries, countByStatus, mergeIntervals, summarizeDay, type DayAppointment } from "~/features/clinic-schedule/day-summary";

const t = (hhmm: string) => new Date(`2031-03-03T${hhmm}:00Z`);
const appt = (start: string, end: string, status: DayAppointment["status"], checkedIn?: string, admitted?: string): DayAppointment => ({
  startsAt: t(start),
  endsAt: t(end),
  status,
  checkedInAt: checkedIn ? t(checkedIn) : null,
  admittedAt: admitted ? t(admitted) : null,
});

describe("a clinic day's figures", () => {
  it("match hand-computed utilisation and average wait", () => {
    // Available 09:00–12:00 (180 min) and 14:00–15:00 (60 min): 240 minutes.
    const available = [
      { start: t("09:00"), end: t("12:00") },
      { start: t("14:00"), end: t("15:00") },
    ];
    const day = [
      appt("09:00", "09:30", "completed", "08:52", "09:01"), // waited 9 min
      appt("09:30", "10:00", "completed", "09:25", "09:40"), // waited 15 min
      appt("10:00", "10:30", "in_consultation", "09:58", "10:04"), // waited 6 min
      appt("10:30", "11:00", "checked_in", "10:20"), // still waiting: not in the average
      appt("11:00", "11:30", "no_show"),
      appt("11:30", "12:00", "cancelled"), // frees its time: not booked minutes
      appt("14:00", "14:30", "booked"),
    ];
    const summary = summarizeDay(day, available);
    // Booked minutes: six non-cancelled appointments × 30 = 180; 180 / 240 = 0.75.
    expect(summary.bookedMinutes).toBe(180);
    expect(summary.availableMinutes).toBe(240);
    expect(summary.utilisation).toBe(0.75);
    // Average wait: (9 + 15 + 6) / 3 = 10 minutes.
    expect(summary.averageWaitMinutes).toBe(10);
    expect(summary.waits).toBe(3);
    expect([summary.booked, summary.checked_in, summary.in_consultation, summary.completed, summary.no_show, summary.cancelled]).toEqual([1, 1, 1, 2, 1, 1]);
  });

  it("says nothing of utilisation or waits when there is nothing to measure", () => {
    const summary = summarizeDay([appt("09:00", "09:30", "booked")], []);
    expect(summary.utilisation).toBeNull();
    expect(summary.averageWaitMinutes).toBeNull();
  });

  it("adds doctors up into a department with a wait weighted by the number of waits", () => {
    const a = summarizeDay([appt("09:00", "09:30", "completed", "08:50", "09:00")], [{ start: t("09:00"), end: t("10:00") }]); // wait 10
    const b = summarizeDay(
      [appt("09:00", "09:30", "completed", "08:58", "09:00"), appt("09:30", "10:00", "completed", "09:28", "09:30")], // waits 2, 2
      [{ start: t("09:00"), end: t("11:00") }],
    );
    const department = combineSummaries([a, b]);
    expect(department.completed).toBe(3);
    expect(department.bookedMinutes).toBe(90);
    expect(department.availableMinutes).toBe(180);
    expect(department.utilisation).toBe(0.5);
    expect(department.averageWaitMinutes).toBeCloseTo((10 + 2 + 2) / 3);
  });

  it("counts available time once however the slots overlap, and never inside time off", () => {
    const merged = mergeIntervals([
      { start: t("09:00"), end: t("09:30") },
      { start: t("09:15"), end: t("10:00") },
      { start: t("10:00"), end: t("10:30") },
    ]);
    expect(merged).toEqual([{ start: t("09:00"), end: t("10:30") }]);
    const available = availableIntervals(
      [
        { start: t("09:00"), end: t("09:30") },
        { start: t("09:30"), end: t("10:00") },
        { start: t("10:00"), end: t("10:30") },
      ],
      [{ start: t("09:40"), end: t("09:50") }],
    );
    expect(available).toEqual([
      { start: t("09:00"), end: t("09:30") },
      { start: t("10:00"), end: t("10:30") },
    ]);
  });
});

describe("a doctor's day at a glance", () => {
  it("counts the appointments in each status, zero for the others", () => {
    const statuses = ["booked", "booked", "checked_in", "completed", "cancelled"] as const;
    expect(countByStatus(statuses.map((status) => ({ status })))).toEqual({
      booked: 2,
      checked_in: 1,
      in_consultation: 0,
      completed: 1,
      cancelled: 1,
      no_show: 0,
    });
  });
});
