import { and, eq, gte, like, lt } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appointments, consultations, consultNotes, doctors, users } from "~db/schema";
import { DEMO_DAY_KEY_PREFIX } from "~db/demo-day";
import { DEMO_ACCOUNTS } from "~db/demo-hospital";
import { ensureDemoConsultation, ensureDemoDays, prepareDemoHospital, seedDemoHospital } from "~db/seed";
import { visitSummary } from "~/features/consult-notes/notes.server";
import { addDays, zonedToInstant } from "~/utils/zoned-time";
import { createTestDatabase } from "../helpers/database";

const ZONE = "Asia/Shanghai";
const MINUTE = 60_000;
/** A Monday far from today (the demo hours take effect from the day they are seeded): 10:00 in the clinic. */
const MONDAY = "2031-03-03";
const TEN = zonedToInstant(MONDAY, 10 * 60, ZONE);

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  handle = await createTestDatabase();
  await seedDemoHospital(handle.db);
});
afterAll(async () => {
  await handle?.close();
});

/** Every appointment of a clinic day with its doctor's email and its consultation's and note's times. */
async function dayOf(date: string) {
  return handle.db
    .select({
      id: appointments.id,
      status: appointments.status,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
      patientId: appointments.patientId,
      doctorId: appointments.doctorId,
      cancelledAt: appointments.cancelledAt,
      key: appointments.idempotencyKey,
      doctorEmail: users.email,
      checkedInAt: consultations.checkedInAt,
      admittedAt: consultations.admittedAt,
      endedAt: consultations.endedAt,
      signedAt: consultNotes.signedAt,
    })
    .from(appointments)
    .innerJoin(doctors, eq(doctors.id, appointments.doctorId))
    .innerJoin(users, eq(users.id, doctors.userId))
    .leftJoin(consultations, eq(consultations.appointmentId, appointments.id))
    .leftJoin(consultNotes, eq(consultNotes.appointmentId, appointments.id))
    .where(and(gte(appointments.startsAt, zonedToInstant(date, 0, ZONE)), lt(appointments.startsAt, zonedToInstant(addDays(date, 1), 0, ZONE))));
}

type Row = Awaited<ReturnType<typeof dayOf>>[number];

/** Each appointment's status against the clock, as the board and Today read it. */
function inconsistencies(rows: Row[], now: Date) {
  const t = now.getTime();
  const wrong: string[] = [];
  for (const r of rows) {
    const start = r.startsAt.getTime();
    const end = r.endsAt.getTime();
    const ok = {
      completed: end <= t && r.endedAt !== null && r.endedAt.getTime() <= t && r.signedAt !== null && r.signedAt.getTime() <= t,
      no_show: start + 10 * MINUTE <= t,
      in_consultation: start <= t && t < end && r.admittedAt !== null && r.admittedAt.getTime() <= t,
      checked_in: start - 15 * MINUTE <= t && t < end && r.checkedInAt !== null && r.checkedInAt.getTime() <= t,
      // The demo doctor's appointment at the current time may still wait for its patient.
      booked: start > t || (r.doctorEmail === DEMO_ACCOUNTS.doctor.email && end > t),
      cancelled: r.cancelledAt !== null && r.cancelledAt.getTime() <= t,
    }[r.status];
    if (!ok) wrong.push(`${r.status} ${r.startsAt.toISOString()} ${r.doctorEmail}`);
  }
  return wrong;
}

/** Pairs of appointments (not cancelled) that share a doctor or a patient and overlap. */
function overlapping(rows: Row[]) {
  const held = rows.filter((r) => r.status !== "cancelled").sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const clashes: string[] = [];
  for (const [i, a] of held.entries()) {
    for (const b of held.slice(i + 1)) {
      if (b.startsAt >= a.endsAt) break;
      if (a.doctorId === b.doctorId || a.patientId === b.patientId) clashes.push(`${a.id} ${b.id}`);
    }
  }
  return clashes;
}

describe("the demo day", () => {
  it("fills today at 10:00 like a clinic: every status, consistent with the clock, signed notes, no overlaps, the demo patient's room free", async () => {
    const consultation = await ensureDemoConsultation(handle.db, TEN);
    expect(consultation).not.toBeNull();
    const { created } = await ensureDemoDays(handle.db, TEN);
    expect(created).toBeGreaterThan(100);

    const today = await dayOf(MONDAY);
    const seeded = today.filter((r) => r.key.startsWith(DEMO_DAY_KEY_PREFIX));
    expect(seeded.length).toBeGreaterThanOrEqual(100);
    expect(new Set(seeded.map((r) => r.doctorId)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(seeded.map((r) => r.status))).toEqual(new Set(["completed", "in_consultation", "checked_in", "booked", "cancelled", "no_show"]));
    expect(inconsistencies(today, TEN)).toEqual([]);
    expect(overlapping(today)).toEqual([]);
    // One patient at a time in each doctor's call.
    const inCall = today.filter((r) => r.status === "in_consultation").map((r) => r.doctorId);
    expect(new Set(inCall).size).toBe(inCall.length);

    // A completed visit's summary is there for its patient.
    const completed = seeded.find((r) => r.status === "completed")!;
    expect((await visitSummary(handle.db, completed.id))?.diagnosis).toMatch(/ · /);

    // The demo patient's consultation: still the open one, nobody else at its time, nobody else waiting or in a call.
    expect(await ensureDemoConsultation(handle.db, TEN)).toBe(consultation);
    const demo = today.find((r) => r.id === consultation)!;
    expect(demo.startsAt.getTime() - TEN.getTime()).toBeLessThan(10 * MINUTE);
    const demoDoctor = today.filter((r) => r.doctorId === demo.doctorId && r.id !== demo.id && r.status !== "cancelled");
    expect(demoDoctor.filter((r) => r.startsAt < demo.endsAt && demo.startsAt < r.endsAt)).toEqual([]);
    expect(demoDoctor.filter((r) => r.status === "checked_in" || r.status === "in_consultation")).toEqual([]);
    expect(demoDoctor.length).toBeGreaterThan(10);
  });

  it("books the coming days less, all still ahead, and changes nothing when run again at the same time", async () => {
    const tomorrow = await dayOf(addDays(MONDAY, 1));
    const thursday = await dayOf(addDays(MONDAY, 3));
    const today = await dayOf(MONDAY);
    expect(tomorrow.length).toBeGreaterThan(30);
    expect(thursday.length).toBeGreaterThan(30);
    expect(tomorrow.length).toBeLessThan(today.length);
    expect(thursday.length).toBeLessThan(tomorrow.length);
    expect(new Set([...tomorrow, ...thursday].map((r) => r.status))).toEqual(new Set(["booked", "cancelled"]));

    const before = await handle.db.select({ id: appointments.id, status: appointments.status, updatedAt: appointments.updatedAt }).from(appointments);
    expect(await ensureDemoDays(handle.db, TEN)).toEqual({ created: 0, moved: 0 });
    const after = await handle.db.select({ id: appointments.id, status: appointments.status, updatedAt: appointments.updatedAt }).from(appointments);
    expect(after).toEqual(before);
  });

  it("moves the day on with the clock at a restart (later that day, the next morning), leaves what a person changed, and frees the demo doctor's time for a new consultation", async () => {
    // Someone cancelled a seeded appointment of the afternoon meanwhile: it stays cancelled.
    const [afternoon] = await handle.db
      .select({ id: appointments.id })
      .from(appointments)
      .where(and(eq(appointments.status, "booked"), like(appointments.idempotencyKey, `${DEMO_DAY_KEY_PREFIX}%`), gte(appointments.startsAt, zonedToInstant(MONDAY, 14 * 60, ZONE)), lt(appointments.startsAt, zonedToInstant(MONDAY, 15 * 60, ZONE))));
    await handle.db.update(appointments).set({ status: "cancelled", cancelledAt: TEN }).where(eq(appointments.id, afternoon!.id));

    const later = zonedToInstant(MONDAY, 15 * 60 + 20, ZONE);
    await prepareDemoHospital(handle.db, later);
    const today = await dayOf(MONDAY);
    expect(inconsistencies(today.filter((r) => r.key.startsWith(DEMO_DAY_KEY_PREFIX)), later)).toEqual([]);
    expect(overlapping(today)).toEqual([]);
    expect(today.find((r) => r.id === afternoon!.id)!.status).toBe("cancelled");

    // The morning's demo consultation never happened (nobody joined); a new one is open at 15:20.
    const consultation = await ensureDemoConsultation(handle.db, later);
    const demo = today.find((r) => r.id === consultation)!;
    expect(demo.startsAt.getTime() - later.getTime()).toBeLessThan(10 * MINUTE);
    const clash = today.filter((r) => r.doctorId === demo.doctorId && r.id !== demo.id && r.status !== "cancelled" && r.startsAt < demo.endsAt && demo.startsAt < r.endsAt);
    expect(clash).toEqual([]);
    // The next morning: Tuesday's day fills up to today's measure.
    const tuesday = addDays(MONDAY, 1);
    const before = (await dayOf(tuesday)).length;
    await prepareDemoHospital(handle.db, zonedToInstant(tuesday, 9 * 60, ZONE));
    const after = await dayOf(tuesday);
    expect(after.length).toBeGreaterThan(before);
    expect(inconsistencies(after.filter((r) => r.key.startsWith(DEMO_DAY_KEY_PREFIX)), zonedToInstant(tuesday, 9 * 60, ZONE))).toEqual([]);
    expect(after.filter((r) => r.status === "in_consultation").length).toBeGreaterThan(0);
    // Monday is over: its seeded appointments all came, missed or were cancelled.
    const monday = (await dayOf(MONDAY)).filter((r) => r.key.startsWith(DEMO_DAY_KEY_PREFIX));
    expect(new Set(monday.map((r) => r.status))).toEqual(new Set(["completed", "no_show", "cancelled"]));
    expect(inconsistencies(monday, zonedToInstant(tuesday, 9 * 60, ZONE))).toEqual([]);
  });
});
