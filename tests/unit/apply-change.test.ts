import { describe, expect, it } from "vitest";
import { applyStatusChange, summarizeDay } from "~/features/clinic-schedule/day-summary";
import { applyPresenceToToday, applyToBoard, applyToToday, type BoardDay, type TodayAppointment } from "~/features/live/apply-change";
import type { StreamAppointment } from "~/features/live/events";

const day = { from: "2026-12-01T00:00:00.000Z", until: "2026-12-02T00:00:00.000Z" };
const at = (hhmm: string) => `2026-12-01T${hhmm}:00.000Z`;
const today = (id: string, start: string, status: TodayAppointment["status"] = "booked", checkedInAt: string | null = null): TodayAppointment => ({
  id,
  startsAt: at(start),
  endsAt: at(start.replace(/:(\d\d)$/, (_, m: string) => `:${String(Number(m) + 10).padStart(2, "0")}`)),
  status,
  patientName: `patient ${id}`,
  reason: `reason ${id}`,
  checkedInAt,
  joinMode: status === "checked_in" || status === "in_consultation" ? "video" : null,
  presence: null,
  noteSigned: false,
});
const pushed = (over: Partial<StreamAppointment> & Pick<StreamAppointment, "appointmentId" | "status">): StreamAppointment => ({
  doctorId: "d1",
  previous: "booked",
  entry: { startsAt: at("09:00"), endsAt: at("09:10"), patientName: "patient", reason: "reason", checkedInAt: at("08:55"), admittedAt: null },
  slotsChanged: false,
  ...over,
});

describe("a doctor's Today kept live", () => {
  const list = [today("a", "09:00"), today("b", "09:20")];

  it("moves a patient who checks in to the top, with the check-in time, in place", () => {
    const next = applyToToday(list, pushed({ appointmentId: "b", status: "checked_in", entry: { startsAt: at("09:20"), endsAt: at("09:30"), patientName: "patient b", reason: "reason b", checkedInAt: at("09:12"), admittedAt: null } }), day);
    expect(next).not.toBe("reload");
    expect((next as TodayAppointment[]).map((a) => [a.id, a.status, a.checkedInAt])).toEqual([
      ["b", "checked_in", at("09:12")],
      ["a", "booked", null],
    ]);
  });

  it("shows how a patient checked in to join (by voice: no camera), and drops it when the visit is over", () => {
    const entry = { startsAt: at("09:20"), endsAt: at("09:30"), patientName: "patient b", reason: "reason b", checkedInAt: at("09:12"), admittedAt: null };
    const waiting = applyToToday(list, pushed({ appointmentId: "b", status: "checked_in", entry: { ...entry, joinMode: "voice" } }), day) as TodayAppointment[];
    expect(waiting.find((a) => a.id === "b")?.joinMode).toBe("voice");
    const inCall = applyToToday(waiting, pushed({ appointmentId: "b", status: "in_consultation", previous: "checked_in", entry: { ...entry, admittedAt: at("09:20") } }), day) as TodayAppointment[];
    expect(inCall.find((a) => a.id === "b")?.joinMode).toBe("voice");
    const noShow = applyToToday(inCall, pushed({ appointmentId: "b", status: "no_show", previous: "in_consultation", entry }), day) as TodayAppointment[];
    expect(noShow.find((a) => a.id === "b")?.joinMode).toBeNull();
  });

  it("adds an appointment booked for today and drops one moved to another day", () => {
    const booked = applyToToday(list, pushed({ appointmentId: "c", status: "booked", previous: null, slotsChanged: true, entry: { startsAt: at("08:30"), endsAt: at("08:40"), patientName: "c", reason: "r", checkedInAt: null, admittedAt: null } }), day);
    expect((booked as TodayAppointment[]).map((a) => a.id)).toEqual(["c", "a", "b"]);
    const moved = applyToToday(list, pushed({ appointmentId: "a", status: "booked", slotsChanged: true, entry: { startsAt: "2026-12-03T01:00:00.000Z", endsAt: "2026-12-03T01:10:00.000Z", patientName: "a", reason: "r", checkedInAt: null, admittedAt: null } }), day);
    expect((moved as TodayAppointment[]).map((a) => a.id)).toEqual(["b"]);
  });

  it("reads the day again when a change of an appointment it shows comes without its entry", () => {
    expect(applyToToday(list, pushed({ appointmentId: "a", status: "cancelled", entry: null }), day)).toBe("reload");
  });

  it("keeps a patient who waits or is in a call on Today when their appointment starts after midnight", () => {
    const tomorrow = { startsAt: "2026-12-02T00:00:00.000Z", endsAt: "2026-12-02T00:10:00.000Z", patientName: "c", reason: "r", checkedInAt: "2026-12-01T23:55:00.000Z", admittedAt: null };
    const next = applyToToday(list, pushed({ appointmentId: "c", status: "checked_in", entry: tomorrow }), day);
    expect((next as TodayAppointment[]).map((a) => a.id)).toEqual(["c", "a", "b"]);
    const booked = applyToToday(list, pushed({ appointmentId: "c", status: "booked", entry: tomorrow }), day);
    expect((booked as TodayAppointment[]).map((a) => a.id)).toEqual(["a", "b"]);
  });

  it("keeps whether a patient is here through their status changes, and reads the day again when a visit finishes", () => {
    const here = applyPresenceToToday([today("a", "09:00", "checked_in", at("08:55")), today("b", "09:20")], { appointmentId: "a", present: true, since: at("08:54") });
    expect(here.map((a) => a.presence)).toEqual([{ present: true, since: at("08:54") }, null]);
    const admitted = applyToToday(here, pushed({ appointmentId: "a", status: "in_consultation", previous: "checked_in" }), day) as TodayAppointment[];
    expect(admitted.find((a) => a.id === "a")?.presence).toEqual({ present: true, since: at("08:54") });
    // The note may have been signed during the call: no event says so.
    expect(applyToToday(admitted, pushed({ appointmentId: "a", status: "completed", previous: "in_consultation" }), day)).toBe("reload");
    expect(applyPresenceToToday(here, { appointmentId: "z", present: true, since: at("09:00") })).toEqual(here);
  });

  it("lists waiting patients in the queue's order: appointment time first, not who came earliest", () => {
    const early = today("late-slot", "09:30", "checked_in", at("09:01"));
    const due = today("early-slot", "09:00", "checked_in", at("09:05"));
    const next = applyToToday([early, today("x", "08:00", "completed")], pushed({ appointmentId: "early-slot", status: "checked_in", entry: { startsAt: due.startsAt, endsAt: due.endsAt, patientName: "p", reason: "r", checkedInAt: due.checkedInAt, admittedAt: null } }), day);
    expect((next as TodayAppointment[]).map((a) => a.id)).toEqual(["early-slot", "late-slot", "x"]);
  });
});

describe("the clinic board kept live", () => {
  const summary = summarizeDay(
    [
      { startsAt: new Date(at("09:00")), endsAt: new Date(at("09:10")), status: "booked", checkedInAt: null, admittedAt: null },
      { startsAt: new Date(at("09:20")), endsAt: new Date(at("09:30")), status: "checked_in", checkedInAt: new Date(at("09:05")), admittedAt: null },
    ],
    [{ start: new Date(at("09:00")), end: new Date(at("10:00")) }],
  );
  const board: BoardDay = {
    ...day,
    summary,
    departments: [
      {
        id: "dep",
        summary,
        doctors: [{ id: "d1", summary: { booked: 2, utilisation: summary.utilisation }, appointments: [["a", 120, 130, "booked", "A"], ["b", 140, 150, "checked_in", "B"]] }],
      },
    ],
  };

  it("turns a block's colour and moves the counts when a patient is admitted, adding the wait", () => {
    const next = applyToBoard(board, pushed({ appointmentId: "b", status: "in_consultation", previous: "checked_in", entry: { startsAt: at("09:20"), endsAt: at("09:30"), patientName: "B", checkedInAt: at("09:05"), admittedAt: at("09:15") } }));
    expect(next).not.toBe("reload");
    const updated = next as BoardDay;
    expect(updated.departments[0]!.doctors[0]!.appointments[1]![3]).toBe("in_consultation");
    for (const s of [updated.summary, updated.departments[0]!.summary]) {
      expect([s.checked_in, s.in_consultation, s.waits, s.averageWaitMinutes]).toEqual([0, 1, 1, 10]);
    }
    expect(updated.summary.utilisation).toBe(summary.utilisation);
  });

  it("reads the day again when time on it is booked, moved or freed, or for an appointment it never had", () => {
    expect(applyToBoard(board, pushed({ appointmentId: "a", status: "cancelled", slotsChanged: true }))).toBe("reload");
    expect(applyToBoard(board, pushed({ appointmentId: "new", status: "booked", previous: null, slotsChanged: true }))).toBe("reload");
    expect(applyToBoard(board, pushed({ appointmentId: "unknown", status: "checked_in" }))).toBe("reload");
  });

  it("changes nothing for another day's booking or a doctor who is not on the board", () => {
    const otherDay = { startsAt: "2026-12-05T01:00:00.000Z", endsAt: "2026-12-05T01:10:00.000Z", patientName: "x", checkedInAt: null, admittedAt: null };
    expect(applyToBoard(board, pushed({ appointmentId: "new", status: "booked", slotsChanged: true, entry: otherDay }))).toBe(board);
    expect(applyToBoard(board, pushed({ appointmentId: "a", status: "checked_in", doctorId: "elsewhere" }))).toBe(board);
  });
});

describe("a day's figures after a status change", () => {
  it("moves one count and keeps the rest", () => {
    const before = summarizeDay([{ startsAt: new Date(0), endsAt: new Date(600_000), status: "booked", checkedInAt: null, admittedAt: null }], []);
    const after = applyStatusChange(before, { from: "booked", to: "no_show", waitMinutes: null });
    expect([after.booked, after.no_show, after.bookedMinutes]).toEqual([0, 1, before.bookedMinutes]);
    expect(applyStatusChange(before, { from: "booked", to: "booked", waitMinutes: null })).toBe(before);
  });
});
