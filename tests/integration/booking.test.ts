import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appointments } from "~db/schema";
import { getAppointment, listPatientAppointments } from "~/features/booking/appointment-access.server";
import { freeSlotsOfDoctor } from "~/features/booking/availability.server";
import { bookAppointment } from "~/features/booking/book-appointment.server";
import { cancelAppointment, rescheduleAppointment } from "~/features/booking/change-appointment.server";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { cacheDoctorHours } from "~/features/booking/doctor-hours.server";
import { createFreeSlotIndex } from "~/features/booking/free-slot-index.server";
import type { LiveEvent } from "~/features/live/events";
import { createLiveHub, type LiveHub } from "~/features/live/hub.server";
import { changedSince } from "~/features/clinic-schedule/schedule.server";
import {
  addRule,
  appointmentsOutsideHours,
  removeRule,
  listAvailability,
  addException,
} from "~/features/booking/manage-availability.server";
import { sqlState } from "~/utils/db-errors.server";
import { ConflictError, type DomainError, InvalidRequestError, NotFoundError } from "~/utils/errors";
import { at, giveHours, giveTimeOff, NOW } from "../helpers/booking";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor, makeUser } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

const request = (patientId: string, doctorId: string, startsAt: Date, key = crypto.randomUUID()) => ({
  patientId,
  doctorId,
  startsAt,
  reason: "Cough and fever for three days",
  symptoms: "",
  idempotencyKey: key,
});

const countAppointments = async () =>
  (await db().select({ n: sql<number>`count(*)::int` }).from(appointments))[0]!.n;

async function settle<T>(promise: Promise<T>) {
  try {
    return { ok: true as const, value: await promise };
  } catch (error) {
    return { ok: false as const, error };
  }
}

describe("booking", () => {
  it("books a free slot with the slot's own end time", async () => {
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const patient = await makeUser(db());
    const result = await bookAppointment(db(), request(patient.id, doctor.id, at("09:30")), NOW);
    expect(result.created).toBe(true);
    const [row] = await db().select().from(appointments).where(eq(appointments.id, result.appointmentId));
    expect(row).toMatchObject({ status: "booked", startsAt: at("09:30"), endsAt: at("10:00"), sequence: 0 });
  });

  it("counts as a change since any page read before it, whatever the database server's clock says", async () => {
    // NOW is years away from the database's own clock: the booking must be dated by the app, as the page.
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const patient = await makeUser(db());
    const pageRead = new Date(NOW.getTime() - 60_000);
    expect(await changedSince(db(), pageRead, doctor.id)).toBe(false);
    await bookAppointment(db(), request(patient.id, doctor.id, at("09:30")), NOW);
    expect(await changedSince(db(), pageRead, doctor.id)).toBe(true);
    expect(await changedSince(db(), new Date(NOW.getTime() + 60_000), doctor.id)).toBe(false);
  });

  it("gives 50 concurrent bookings of one slot exactly one winner; the others are told it was taken", async () => {
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const patients = await Promise.all(Array.from({ length: 50 }, () => makeUser(db())));
    const t0 = performance.now();
    const results = await Promise.all(
      patients.map((p) => settle(bookAppointment(db(), request(p.id, doctor.id, at("10:00")), NOW))),
    );
    const elapsed = performance.now() - t0;
    const winners = results.filter((r) => r.ok);
    const losers = results.filter((r) => !r.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(49);
    for (const loser of losers) {
      expect(loser.error).toBeInstanceOf(ConflictError);
      expect((loser.error as ConflictError).messageKey).toBe("booking.slotTaken");
      const alternatives = (loser.error as ConflictError).detail?.alternatives as { start: string }[];
      expect(alternatives.length).toBeGreaterThan(0);
      expect(alternatives.map((a) => a.start)).not.toContain(at("10:00").toISOString());
    }
    expect(await countAppointments()).toBe(1);
    // Not a benchmark (that is `npm run bench -- booking`): a guard against the race serialising behind a
    // lock (50 × a statement's time), loose enough for a busy 2-core machine running other suites.
    expect(elapsed).toBeLessThan(5000);
  });

  it("refuses overlapping (not identical) concurrent requests the same way", async () => {
    const doctor = await makeDoctor(db());
    // Two rules on Monday morning with different slot lengths: 09:00–09:30 and 09:20–09:40 overlap.
    await giveHours(db(), doctor.id, { start: "09:00", end: "10:00", slotMinutes: 30 });
    await giveHours(db(), doctor.id, { start: "09:00", end: "10:00", slotMinutes: 20 });
    const patients = await Promise.all(Array.from({ length: 20 }, () => makeUser(db())));
    const results = await Promise.all(
      patients.map((p, i) => settle(bookAppointment(db(), request(p.id, doctor.id, at(i % 2 ? "09:20" : "09:00")), NOW))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((r) => !r.ok)) {
      expect((r as { error: DomainError }).error.status).toBe(409);
    }
    const rows = await db().select().from(appointments);
    expect(rows).toHaveLength(1);
  });

  it("creates one appointment for a double submit of the same form", async () => {
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const patient = await makeUser(db());
    const key = crypto.randomUUID();
    const [a, b] = await Promise.all([
      bookAppointment(db(), request(patient.id, doctor.id, at("11:00"), key), NOW),
      bookAppointment(db(), request(patient.id, doctor.id, at("11:00"), key), NOW),
    ]);
    expect(a.appointmentId).toBe(b.appointmentId);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    const retried = await bookAppointment(db(), request(patient.id, doctor.id, at("11:00"), key), NOW);
    expect(retried).toEqual({ appointmentId: a.appointmentId, created: false });
    expect(await countAppointments()).toBe(1);
  });

  it("refuses a second appointment of one patient at an overlapping time with another doctor", async () => {
    const [first, second] = [await makeDoctor(db()), await makeDoctor(db())];
    await giveHours(db(), first.id);
    await giveHours(db(), second.id, { slotMinutes: 20 });
    const patient = await makeUser(db());
    await bookAppointment(db(), request(patient.id, first.id, at("09:00")), NOW);
    await expect(bookAppointment(db(), request(patient.id, second.id, at("09:20")), NOW)).rejects.toMatchObject({
      messageKey: "booking.patientBusy",
      status: 409,
    });
    expect(await countAppointments()).toBe(1);
  });

  it("refuses a time that is not a slot, is in time off, is inside the notice or beyond the horizon", async () => {
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    await giveHours(db(), doctor.id, { weekday: 1, from: "2031-01-01" });
    await giveTimeOff(db(), doctor.id, at("11:00"), at("12:00"));
    const patient = await makeUser(db());
    const attempt = (start: Date, now = NOW) => bookAppointment(db(), request(patient.id, doctor.id, start), now);
    await expect(attempt(at("09:07"))).rejects.toMatchObject({ messageKey: "booking.notASlot", status: 400 });
    await expect(attempt(at("13:00"))).rejects.toMatchObject({ messageKey: "booking.notASlot" });
    await expect(attempt(at("11:00"))).rejects.toMatchObject({ messageKey: "booking.notASlot" });
    await expect(attempt(at("09:00"), new Date(at("09:00").getTime() - 30 * 60_000))).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(attempt(at("09:00", "2031-04-14"))).rejects.toMatchObject({ messageKey: "booking.outsideWindow" });
    expect(await countAppointments()).toBe(0);
  });

  it("is refused by the database itself when code tries to insert an overlap directly", async () => {
    const doctor = await makeDoctor(db());
    const [a, b] = [await makeUser(db()), await makeUser(db())];
    const row = (patientId: string, start: string, end: string) => ({
      patientId,
      doctorId: doctor.id,
      startsAt: at(start),
      endsAt: at(end),
      reason: "A reason long enough",
      idempotencyKey: crypto.randomUUID(),
    });
    await db().insert(appointments).values(row(a.id, "09:00", "09:30"));
    const error = await db()
      .insert(appointments)
      .values(row(b.id, "09:15", "09:45"))
      .then(() => null, (e: unknown) => e);
    expect(sqlState(error)).toBe("23P01");
    // Back-to-back is fine; a cancelled row holds no time.
    await db().insert(appointments).values(row(b.id, "09:30", "10:00"));
    await db().update(appointments).set({ status: "cancelled", cancelledAt: NOW }).where(eq(appointments.patientId, a.id));
    await db().insert(appointments).values(row(b.id, "09:00", "09:30"));
  });
});

describe("rescheduling and cancelling", () => {
  async function booked() {
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const patient = await makeUser(db());
    const { appointmentId } = await bookAppointment(db(), request(patient.id, doctor.id, at("09:00")), NOW);
    return { doctor, patient, appointmentId, actor: { id: patient.id, role: "patient" as const } };
  }

  it("moves the appointment in place: same id, new time, calendar sequence raised", async () => {
    const { appointmentId, actor } = await booked();
    await rescheduleAppointment(db(), actor, { appointmentId, startsAt: at("10:30") }, NOW);
    const [row] = await db().select().from(appointments);
    expect(row).toMatchObject({ id: appointmentId, startsAt: at("10:30"), endsAt: at("11:00"), sequence: 1, status: "booked" });
  });

  it("may move to a slot overlapping its own current time", async () => {
    const { appointmentId, actor, doctor } = await booked();
    await giveHours(db(), doctor.id, { slotMinutes: 20 });
    await rescheduleAppointment(db(), actor, { appointmentId, startsAt: at("09:20") }, NOW);
    const [row] = await db().select().from(appointments);
    expect(row?.startsAt).toEqual(at("09:20"));
  });

  it("keeps the old time untouched when the new time is gone", async () => {
    const { appointmentId, actor, doctor } = await booked();
    const other = await makeUser(db());
    await bookAppointment(db(), request(other.id, doctor.id, at("10:00")), NOW);
    const error = await rescheduleAppointment(db(), actor, { appointmentId, startsAt: at("10:00") }, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).messageKey).toBe("booking.slotTaken");
    const [row] = await db().select().from(appointments).where(eq(appointments.id, appointmentId));
    expect(row).toMatchObject({ startsAt: at("09:00"), sequence: 0, status: "booked" });
  });

  it("lets exactly one of two racing reschedules into the same slot win", async () => {
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const [p1, p2] = [await makeUser(db()), await makeUser(db())];
    const a1 = await bookAppointment(db(), request(p1.id, doctor.id, at("09:00")), NOW);
    const a2 = await bookAppointment(db(), request(p2.id, doctor.id, at("09:30")), NOW);
    const results = await Promise.all([
      settle(rescheduleAppointment(db(), { id: p1.id, role: "patient" }, { appointmentId: a1.appointmentId, startsAt: at("11:00") }, NOW)),
      settle(rescheduleAppointment(db(), { id: p2.id, role: "patient" }, { appointmentId: a2.appointmentId, startsAt: at("11:00") }, NOW)),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const rows = await db().select().from(appointments);
    expect(rows.filter((r) => r.startsAt.getTime() === at("11:00").getTime())).toHaveLength(1);
    expect(rows).toHaveLength(2);
  });

  it("frees the time at once when cancelled, for anyone to book", async () => {
    const { appointmentId, actor, doctor } = await booked();
    const policy = await getBookingPolicy(db());
    const before = await freeSlotsOfDoctor(db(), doctor.id, policy, NOW);
    expect(before.map((s) => s.start.getTime())).not.toContain(at("09:00").getTime());
    await cancelAppointment(db(), actor, { appointmentId, reason: "Feeling better" }, NOW);
    const after = await freeSlotsOfDoctor(db(), doctor.id, policy, NOW);
    expect(after.map((s) => s.start.getTime())).toContain(at("09:00").getTime());
    const [row] = await db().select().from(appointments).where(eq(appointments.id, appointmentId));
    expect(row).toMatchObject({ status: "cancelled", cancelledBy: actor.id, cancellationReason: "Feeling better", sequence: 1 });
    const someoneElse = await makeUser(db());
    await bookAppointment(db(), request(someoneElse.id, doctor.id, at("09:00")), NOW);
  });

  it("stops a patient changing an appointment after the cutoff, but not clinic staff", async () => {
    const { appointmentId, actor } = await booked();
    const late = new Date(at("09:00").getTime() - 60 * 60_000); // one hour before; the cutoff is two
    await expect(cancelAppointment(db(), actor, { appointmentId, reason: "x" }, late)).rejects.toMatchObject({
      messageKey: "booking.pastCutoff",
    });
    await expect(rescheduleAppointment(db(), actor, { appointmentId, startsAt: at("11:00") }, late)).rejects.toMatchObject({
      messageKey: "booking.pastCutoff",
    });
    const staff = await makeUser(db(), "staff");
    await cancelAppointment(db(), { id: staff.id, role: "staff" }, { appointmentId, reason: "Patient called" }, late);
    const [row] = await db().select().from(appointments);
    expect(row?.status).toBe("cancelled");
  });
});

describe("who may see an appointment", () => {
  it("shows it to its patient, its doctor and staff, and to nobody else — as if it did not exist", async () => {
    const doctor = await makeDoctor(db());
    const otherDoctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const patient = await makeUser(db());
    const stranger = await makeUser(db());
    const staff = await makeUser(db(), "staff");
    const { appointmentId } = await bookAppointment(db(), request(patient.id, doctor.id, at("09:00")), NOW);
    for (const actor of [
      { id: patient.id, role: "patient" as const },
      { id: doctor.userId, role: "doctor" as const },
      { id: staff.id, role: "staff" as const },
    ]) {
      expect((await getAppointment(db(), actor, appointmentId)).id).toBe(appointmentId);
    }
    for (const actor of [
      { id: stranger.id, role: "patient" as const },
      { id: otherDoctor.userId, role: "doctor" as const },
    ]) {
      await expect(getAppointment(db(), actor, appointmentId)).rejects.toBeInstanceOf(NotFoundError);
    }
    await expect(getAppointment(db(), { id: patient.id, role: "patient" }, crypto.randomUUID())).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      cancelAppointment(db(), { id: stranger.id, role: "patient" }, { appointmentId, reason: "x" }, NOW),
    ).rejects.toBeInstanceOf(NotFoundError);
    const { upcoming } = await listPatientAppointments(db(), stranger.id, NOW);
    expect(upcoming).toHaveLength(0);
  });
});

describe("editing a doctor's hours", () => {
  it("never drops a booked appointment silently: one the new hours leave out is listed", async () => {
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const patient = await makeUser(db());
    const { appointmentId } = await bookAppointment(db(), request(patient.id, doctor.id, at("09:00")), NOW);
    expect(await appointmentsOutsideHours(db(), doctor.id, NOW)).toHaveLength(0);

    const { rules } = await listAvailability(db(), doctor.id, NOW);
    await removeRule(db(), doctor.id, rules[0]!.id);
    const stranded = await appointmentsOutsideHours(db(), doctor.id, NOW);
    expect(stranded.map((a) => a.id)).toEqual([appointmentId]);
    const [row] = await db().select().from(appointments);
    expect(row?.status).toBe("booked");
  });

  it("lists an appointment that new time off covers", async () => {
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const patient = await makeUser(db());
    await bookAppointment(db(), request(patient.id, doctor.id, at("10:00")), NOW);
    await addException(db(), doctor.id, {
      kind: "time_off",
      startDate: "2031-03-03",
      endDate: "2031-03-03",
      startMinute: null,
      endMinute: null,
      slotMinutes: null,
      note: "Conference",
    });
    expect(await appointmentsOutsideHours(db(), doctor.id, NOW)).toHaveLength(1);
    const policy = await getBookingPolicy(db());
    const free = await freeSlotsOfDoctor(db(), doctor.id, policy, NOW, { until: at("23:00") });
    expect(free).toHaveLength(0);
  });
});

describe("booking with the server's memory of doctors' hours", () => {
  // Each test hears live events through a hub of its own, as a server instance does.
  let hub: LiveHub;
  beforeEach(async () => {
    hub = await createLiveHub(testDatabase.handle.listen);
  });
  afterEach(async () => {
    await hub.close();
  });

  it("announces the booking once, at commit, and nothing for a refused one", async () => {
    const heard: LiveEvent[] = [];
    const unsubscribe = hub.subscribe((event) => heard.push(event));
    try {
      const doctor = await makeDoctor(db());
      await giveHours(db(), doctor.id);
      const [first, second] = [await makeUser(db()), await makeUser(db())];
      const { appointmentId } = await bookAppointment(db(), request(first.id, doctor.id, at("09:00")), NOW);
      await expect(bookAppointment(db(), request(second.id, doctor.id, at("09:00")), NOW)).rejects.toBeInstanceOf(ConflictError);
      await expect.poll(() => heard.length).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toEqual([
        {
          kind: "appointment",
          appointmentId,
          doctorId: doctor.id,
          patientId: first.id,
          status: "booked",
          previous: null,
          slotsChanged: true,
          took: { startsAt: at("09:00").toISOString(), endsAt: at("09:30").toISOString() },
        },
      ]);
    } finally {
      unsubscribe();
    }
  });

  it("books new hours as soon as they are saved, on every instance", async () => {
    const forget = cacheDoctorHours(db(), hub);
    try {
      const doctor = await makeDoctor(db());
      await giveHours(db(), doctor.id);
      const patient = await makeUser(db());
      // Read once, and kept: 14:00 is not one of the doctor's slots.
      await expect(bookAppointment(db(), request(patient.id, doctor.id, at("14:00")), NOW)).rejects.toBeInstanceOf(InvalidRequestError);
      await addRule(db(), doctor.id, { weekday: 1, startMinute: 14 * 60, endMinute: 16 * 60, slotMinutes: 30, effectiveFrom: "2031-01-01", effectiveUntil: null });
      await expect
        .poll(() => bookAppointment(db(), request(patient.id, doctor.id, at("14:00")), NOW).then((r) => r.created, () => false))
        .toBe(true);
    } finally {
      forget();
    }
  });

  it("offers the same nearest free times from the server's free-slot index as from the database", async () => {
    const slots = createFreeSlotIndex(db(), hub);
    try {
      const doctor = await makeDoctor(db());
      await giveHours(db(), doctor.id);
      await giveHours(db(), doctor.id, { weekday: 2 });
      const patients = await Promise.all(Array.from({ length: 12 }, () => makeUser(db())));
      await bookAppointment(db(), request(patients[0]!.id, doctor.id, at("10:30")), NOW);
      const refusals = await Promise.all(
        patients.slice(1).map((p, i) => settle(bookAppointment(db(), request(p.id, doctor.id, at("10:00")), NOW, i % 2 ? { slots } : {}))),
      );
      expect(refusals.filter((r) => r.ok)).toHaveLength(1);
      const offered = refusals.filter((r) => !r.ok).map((r) => JSON.stringify((r.error as ConflictError).detail?.alternatives));
      // 09:30 and 11:00 are nearest to 10:00 apart from 10:00 itself (now held) and 10:30 (booked before).
      expect(new Set(offered).size).toBe(1);
      expect(JSON.parse(offered[0]!).map((a: { start: string }) => a.start)).toEqual(
        [at("09:00"), at("09:30"), at("11:00"), at("11:30")].map((d) => d.toISOString()),
      );
    } finally {
      slots.close();
    }
  });

  it("gives each doctor's next free time and how many are left in the next seven days, a booking taking one", async () => {
    const slots = createFreeSlotIndex(db(), hub);
    try {
      const doctor = await makeDoctor(db());
      await giveHours(db(), doctor.id); // Mondays 09:00–12:00, six half hours
      const idle = await makeDoctor(db());
      const policy = await getBookingPolicy(db());
      expect((await slots.nextFree([doctor.id, idle.id], policy, NOW)).get(doctor.id)).toEqual({ next: at("09:00"), thisWeek: 6 });
      const patient = await makeUser(db());
      await bookAppointment(db(), request(patient.id, doctor.id, at("09:00")), NOW);
      await expect.poll(async () => (await slots.nextFree([doctor.id], policy, NOW)).get(doctor.id)?.thisWeek).toBe(5);
      const free = await slots.nextFree([doctor.id, idle.id], policy, NOW);
      // The Monday after is beyond the seven days (Sunday 20:00 to Sunday 20:00): not counted, yet bookable.
      expect(free.get(doctor.id)).toEqual({ next: at("09:30"), thisWeek: 5 });
      expect(free.get(idle.id)).toEqual({ next: null, thisWeek: 0 });
    } finally {
      slots.close();
    }
  });

  it("drops a new booking's slot from the free-slot index as soon as it is announced, and frees it again on cancel", async () => {
    const slots = createFreeSlotIndex(db(), hub);
    try {
      const doctor = await makeDoctor(db());
      await giveHours(db(), doctor.id);
      const patient = await makeUser(db());
      const policy = await getBookingPolicy(db());
      const starts = async () => (await slots.slotsOf(doctor.id, policy, NOW)).map((s) => s.start.toISOString());
      expect(await starts()).toContain(at("09:00").toISOString());
      const { appointmentId } = await bookAppointment(db(), request(patient.id, doctor.id, at("09:00")), NOW);
      await expect.poll(starts).not.toContain(at("09:00").toISOString());
      expect(await starts()).toContain(at("09:30").toISOString());
      await cancelAppointment(db(), { id: patient.id, role: "patient" }, { appointmentId, reason: "Feeling better now" }, NOW);
      await expect.poll(starts).toContain(at("09:00").toISOString());
    } finally {
      slots.close();
    }
  });
});
