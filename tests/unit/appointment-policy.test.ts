import { describe, expect, it } from "vitest";
import {
  ACTIVE_STATUSES,
  assertAllowed,
  changeDeadline,
  FINISHED_STATUSES,
  isActive,
  mayCancelOrReschedule,
  mayJoin,
  mayTakeStep,
  noShowFrom,
  refusalError,
  type PolicyAppointment,
} from "~/features/booking/appointment-policy";
import { APPOINTMENT_STATUSES, type AppointmentStatus } from "~/domain/vocabulary";
import { ConflictError, ForbiddenError } from "~/utils/errors";

// 09:00–09:30 UTC on 1 December 2026; the clinic allows changes until 24 hours before, and opens the room
// 15 minutes before the start until 60 minutes after the end (08:45–10:30).
const at = (time: string, day = "2026-12-01") => new Date(`${day}T${time}:00.000Z`);
const settings = { cancellationCutoffMinutes: 24 * 60, joinOpensMinutesBefore: 15, joinClosesMinutesAfter: 60 };
const appointment = (status: AppointmentStatus = "booked"): PolicyAppointment => ({
  status,
  startsAt: at("09:00"),
  endsAt: at("09:30"),
  patientId: "patient-1",
  doctorUserId: "doctor-1",
});
const patient = { id: "patient-1", role: "patient" as const };
const otherPatient = { id: "patient-2", role: "patient" as const };
const doctor = { id: "doctor-1", role: "doctor" as const };
const otherDoctor = { id: "doctor-2", role: "doctor" as const };
const staff = { id: "staff-1", role: "staff" as const };
const admin = { id: "admin-1", role: "admin" as const };

describe("active appointments", () => {
  it("are the booked, the checked-in and those in consultation; the rest are finished", () => {
    expect(ACTIVE_STATUSES).toEqual(["booked", "checked_in", "in_consultation"]);
    expect(FINISHED_STATUSES).toEqual(["completed", "cancelled", "no_show"]);
    expect(APPOINTMENT_STATUSES.filter(isActive)).toEqual([...ACTIVE_STATUSES]);
  });
});

describe("cancelling or rescheduling", () => {
  it("is the patient's own until the clinic's cut-off, and refused from the cut-off on with its deadline", () => {
    const deadline = at("09:00", "2026-11-30");
    expect(changeDeadline(appointment(), settings)).toEqual(deadline);
    expect(mayCancelOrReschedule(appointment(), patient, settings, new Date(deadline.getTime() - 1))).toEqual({ allowed: true });
    expect(mayCancelOrReschedule(appointment(), patient, settings, deadline)).toEqual({
      allowed: false,
      reason: "pastCutoff",
      deadline,
      cutoffMinutes: 24 * 60,
    });
  });

  it("is refused to the patient once the appointment is no longer booked", () => {
    const early = at("09:00", "2026-11-20");
    for (const status of APPOINTMENT_STATUSES.filter((s) => s !== "booked")) {
      expect(mayCancelOrReschedule(appointment(status), patient, settings, early)).toEqual({ allowed: false, reason: "notChangeable" });
    }
  });

  it("is open to clinic staff and admins past the cut-off, until the doctor admits the patient", () => {
    const late = at("09:05");
    for (const actor of [staff, admin]) {
      expect(mayCancelOrReschedule(appointment("booked"), actor, settings, late).allowed).toBe(true);
      expect(mayCancelOrReschedule(appointment("checked_in"), actor, settings, late).allowed).toBe(true);
      for (const status of ["in_consultation", "completed", "cancelled", "no_show"] as const) {
        expect(mayCancelOrReschedule(appointment(status), actor, settings, late)).toEqual({ allowed: false, reason: "notChangeable" });
      }
    }
  });

  it("is never the doctor's, nor another patient's", () => {
    const early = at("09:00", "2026-11-20");
    expect(mayCancelOrReschedule(appointment(), doctor, settings, early)).toEqual({ allowed: false, reason: "notYours" });
    expect(mayCancelOrReschedule(appointment(), otherPatient, settings, early)).toEqual({ allowed: false, reason: "notYours" });
  });
});

describe("checking in", () => {
  it("is the patient's, while booked, from the join window's opening until its close", () => {
    expect(mayTakeStep("checkIn", appointment(), patient, settings, at("08:44"))).toEqual({
      allowed: false,
      reason: "outsideJoinWindow",
      opensAt: at("08:45"),
      closesAt: at("10:30"),
    });
    expect(mayTakeStep("checkIn", appointment(), patient, settings, at("08:45")).allowed).toBe(true);
    expect(mayTakeStep("checkIn", appointment(), patient, settings, new Date(at("10:30").getTime() - 1)).allowed).toBe(true);
    expect(mayTakeStep("checkIn", appointment(), patient, settings, at("10:30")).allowed).toBe(false);
  });

  it("is refused to a patient already checked in or whose appointment is over, and to anyone else", () => {
    for (const status of ["checked_in", "in_consultation", "completed", "cancelled", "no_show"] as const) {
      expect(mayTakeStep("checkIn", appointment(status), patient, settings, at("08:50"))).toEqual({ allowed: false, reason: "wrongState" });
    }
    for (const actor of [doctor, staff, otherPatient]) {
      expect(mayTakeStep("checkIn", appointment(), actor, settings, at("08:50"))).toEqual({ allowed: false, reason: "notYours" });
    }
  });
});

describe("admitting and ending", () => {
  it("lets the appointment's own doctor admit a checked-in patient inside the join window", () => {
    expect(mayTakeStep("admit", appointment("checked_in"), doctor, settings, at("08:50")).allowed).toBe(true);
    expect(mayTakeStep("admit", appointment("checked_in"), doctor, settings, at("10:30")).allowed).toBe(false);
    expect(mayTakeStep("admit", appointment("booked"), doctor, settings, at("08:50"))).toEqual({ allowed: false, reason: "wrongState" });
    for (const actor of [otherDoctor, patient, staff]) {
      expect(mayTakeStep("admit", appointment("checked_in"), actor, settings, at("08:50"))).toEqual({ allowed: false, reason: "notYours" });
    }
  });

  it("lets the doctor end a consultation in progress at any time", () => {
    expect(mayTakeStep("end", appointment("in_consultation"), doctor, settings, at("11:00")).allowed).toBe(true);
    expect(mayTakeStep("end", appointment("checked_in"), doctor, settings, at("09:10"))).toEqual({ allowed: false, reason: "wrongState" });
    expect(mayTakeStep("end", appointment("in_consultation"), patient, settings, at("09:10"))).toEqual({ allowed: false, reason: "notYours" });
  });
});

describe("marking a no-show", () => {
  it("is refused until ten minutes after the start, saying from when", () => {
    const from = at("09:10");
    expect(noShowFrom(appointment())).toEqual(from);
    expect(mayTakeStep("noShow", appointment(), doctor, settings, new Date(from.getTime() - 1))).toEqual({
      allowed: false,
      reason: "noShowTooEarly",
      from,
    });
    expect(mayTakeStep("noShow", appointment(), doctor, settings, from).allowed).toBe(true);
  });

  it("is for the appointment's doctor and for clinic staff and admins, long after the room closed too", () => {
    for (const actor of [doctor, staff, admin]) {
      expect(mayTakeStep("noShow", appointment(), actor, settings, at("09:10")).allowed).toBe(true);
      expect(mayTakeStep("noShow", appointment(), actor, settings, at("09:00", "2026-12-05")).allowed).toBe(true);
    }
    for (const actor of [patient, otherDoctor]) {
      expect(mayTakeStep("noShow", appointment(), actor, settings, at("09:10"))).toEqual({ allowed: false, reason: "notYours" });
    }
  });

  it("is refused once the patient checked in, or the appointment is over", () => {
    for (const status of ["checked_in", "in_consultation", "completed", "cancelled", "no_show"] as const) {
      expect(mayTakeStep("noShow", appointment(status), doctor, settings, at("09:20"))).toEqual({ allowed: false, reason: "wrongState" });
    }
  });
});

describe("joining the call", () => {
  it("is for the patient and the doctor of an active appointment, inside the join window", () => {
    for (const status of ACTIVE_STATUSES) {
      expect(mayJoin(appointment(status), patient, settings, at("09:00")).allowed).toBe(true);
      expect(mayJoin(appointment(status), doctor, settings, at("09:00")).allowed).toBe(true);
    }
    expect(mayJoin(appointment(), patient, settings, at("08:44"))).toMatchObject({ allowed: false, reason: "outsideJoinWindow", opensAt: at("08:45") });
    expect(mayJoin(appointment(), doctor, settings, at("10:30"))).toMatchObject({ allowed: false, reason: "outsideJoinWindow" });
  });

  it("is refused once the appointment is over, and to clinic staff and strangers", () => {
    for (const status of FINISHED_STATUSES) {
      expect(mayJoin(appointment(status), patient, settings, at("09:00"))).toEqual({ allowed: false, reason: "wrongState" });
    }
    for (const actor of [staff, admin, otherPatient, otherDoctor]) {
      expect(mayJoin(appointment(), actor, settings, at("09:00"))).toEqual({ allowed: false, reason: "notYours" });
    }
  });
});

describe("a refusal", () => {
  it("becomes the typed error a use case throws: 403 for someone with no part in it, 409 for the wrong moment", () => {
    expect(refusalError({ reason: "notYours" })).toBeInstanceOf(ForbiddenError);
    const expectConflict = (error: unknown, messageKey: string) => {
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).messageKey).toBe(messageKey);
    };
    expectConflict(refusalError({ reason: "notChangeable" }), "booking.notChangeable");
    expectConflict(refusalError({ reason: "wrongState" }), "consult.wrongState");
    expectConflict(refusalError({ reason: "outsideJoinWindow", opensAt: at("08:45"), closesAt: at("10:30") }), "consult.outsideWindow");
    expectConflict(refusalError({ reason: "noShowTooEarly", from: at("09:10") }), "consult.noShowTooEarly");
    const pastCutoff = refusalError({ reason: "pastCutoff", deadline: at("09:00"), cutoffMinutes: 1440 });
    expectConflict(pastCutoff, "booking.pastCutoff");
    expect(pastCutoff.detail).toEqual({ cutoffMinutes: 1440 });
  });

  it("is thrown by assertAllowed, which lets an allowed verdict pass", () => {
    expect(() => assertAllowed({ allowed: true })).not.toThrow();
    expect(() => assertAllowed(mayCancelOrReschedule(appointment(), doctor, settings, at("08:00")))).toThrow(ForbiddenError);
  });
});
