import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appointments } from "~db/schema";
import { expireStalePresence, PRESENCE_TTL_MS, readPresence, recordArrival, recordDeparture, recordHeartbeat, recordReturn } from "~/features/consultation/presence.server";
import { changedSince } from "~/features/clinic-schedule/schedule.server";
import { admitNext, changeRoomState } from "~/features/consultation/room.server";
import type { LiveEvent, PatientPresenceEvent } from "~/features/live/events";
import { LIVE_CHANNEL } from "~/features/live/publish.server";
import { at } from "../helpers/booking";
import { insertAppointment, settle } from "../helpers/consult-fixtures";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor, makeUser } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;
const later = (instant: Date, ms: number) => new Date(instant.getTime() + ms);

/** The presence events every instance hears, as they arrive. */
let heard: PatientPresenceEvent[] = [];
let unlisten: () => Promise<void> = async () => {};
beforeEach(async () => {
  heard = [];
  unlisten = await testDatabase.handle.listen(LIVE_CHANNEL, (payload) => {
    const event = JSON.parse(payload) as LiveEvent;
    if (event.kind === "patient-presence") heard.push(event);
  });
});
afterEach(() => unlisten());
const settled = async (count: number) => {
  const until = Date.now() + 3000;
  while (heard.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 50));
  return heard;
};

async function waitingPatients(starts: string[]) {
  const doctor = await makeDoctor(db());
  const waiting = [];
  for (const start of starts) {
    const patient = await makeUser(db(), "patient");
    const appointment = await insertAppointment(db(), { patientId: patient.id, doctorId: doctor.id, start, minutes: 10 });
    await changeRoomState(db(), { id: patient.id, role: "patient" }, appointment.id, "checkIn", { now: later(appointment.startsAt, -5 * 60_000) });
    waiting.push(appointment.id);
  }
  return { asDoctor: { id: doctor.userId, role: "doctor" as const }, doctorId: doctor.id, waiting };
}

const statusOf = async (id: string) => (await db().select({ status: appointments.status }).from(appointments).where(eq(appointments.id, id)))[0]?.status;

describe("who is here", () => {
  it("a patient is here while any room page of theirs is open, and away from when the last one closed, told to their doctor's pages", async () => {
    const { doctorId, waiting } = await waitingPatients(["09:00"]);
    const [id] = waiting as [string];
    const t0 = at("08:56");
    expect(await readPresence(db(), [id], t0)).toEqual(new Map());
    await recordArrival(db(), "00000000-0000-4000-8000-000000000001", id, t0);
    await recordArrival(db(), "00000000-0000-4000-8000-000000000002", id, later(t0, 1000));
    await recordDeparture(db(), "00000000-0000-4000-8000-000000000001", id, later(t0, 5000));
    // Here since the page still open came.
    expect((await readPresence(db(), [id], later(t0, 6000))).get(id)).toEqual({ present: true, since: later(t0, 1000).toISOString() });
    await recordDeparture(db(), "00000000-0000-4000-8000-000000000002", id, later(t0, 10_000));
    expect((await readPresence(db(), [id], later(t0, 11_000))).get(id)).toEqual({ present: false, since: later(t0, 10_000).toISOString() });
    const events = await settled(4);
    expect(events.map((e) => [e.doctorId, e.present, e.since])).toEqual([
      [doctorId, true, t0.toISOString()],
      [doctorId, true, t0.toISOString()],
      [doctorId, true, later(t0, 1000).toISOString()],
      [doctorId, false, later(t0, 10_000).toISOString()],
    ]);
  });

  it("an arrival or a departure after the doctor's Today was read makes its stream ask the page to read again", async () => {
    const { doctorId, waiting } = await waitingPatients(["09:00"]);
    const [id] = waiting as [string];
    const other = await makeDoctor(db());
    const socket = "00000000-0000-4000-8000-000000000003";
    const arrived = at("08:56");
    await recordArrival(db(), socket, id, arrived);
    expect(await changedSince(db(), later(arrived, -1), doctorId)).toBe(true);
    const pageRead = later(arrived, 1000);
    expect(await changedSince(db(), pageRead, doctorId)).toBe(false);
    await recordDeparture(db(), socket, id, later(arrived, 2000));
    expect(await changedSince(db(), pageRead, doctorId)).toBe(true);
    // Another doctor's Today is not concerned.
    expect(await changedSince(db(), pageRead, other.id)).toBe(false);
  });

  it("a patient whose instance died counts as away from its last heartbeat, and one sweep of any worker tells the doctor's pages once", async () => {
    const { waiting } = await waitingPatients(["09:00"]);
    const [id] = waiting as [string];
    const socket = { socketId: "00000000-0000-4000-8000-000000000003", appointmentId: id };
    const t0 = at("08:56");
    await recordArrival(db(), socket.socketId, id, t0);
    expect(await recordHeartbeat(db(), [socket.socketId], later(t0, 10_000))).toEqual(new Set());
    // Its worker is gone: nothing moves the row on. The pages read it as away before any sweep.
    const afterTtl = later(t0, 10_000 + PRESENCE_TTL_MS + 1000);
    expect((await readPresence(db(), [id], later(t0, 10_000 + PRESENCE_TTL_MS - 1000))).get(id)?.present).toBe(true);
    expect((await readPresence(db(), [id], afterTtl)).get(id)).toEqual({ present: false, since: later(t0, 10_000).toISOString() });
    await Promise.all([expireStalePresence(db(), afterTtl), expireStalePresence(db(), afterTtl)]);
    await expireStalePresence(db(), later(afterTtl, 10_000));
    const events = await settled(2);
    expect(events.map((e) => [e.present, e.since])).toEqual([
      [true, t0.toISOString()],
      [false, later(t0, 10_000).toISOString()],
    ]);
    // A worker that only stalled comes back: its beat finds the row closed, and its socket is here again.
    expect(await recordHeartbeat(db(), [socket.socketId], later(afterTtl, 20_000))).toEqual(new Set([socket.socketId]));
    await recordReturn(db(), socket.socketId, id, later(afterTtl, 20_000));
    expect((await readPresence(db(), [id], later(afterTtl, 20_000))).get(id)?.present).toBe(true);
  });
});

describe("a heartbeat racing a page's close", () => {
  it("does not bring the patient back: the beat only reports the closed row", async () => {
    const { waiting } = await waitingPatients(["09:00"]);
    const [id] = waiting as [string];
    const socketId = "00000000-0000-4000-8000-000000000031";
    await recordArrival(db(), socketId, id, at("08:56"));
    await recordDeparture(db(), socketId, id, at("08:57"));
    expect(await recordHeartbeat(db(), [socketId], at("08:57"))).toEqual(new Set([socketId]));
    expect((await readPresence(db(), [id], at("08:58"))).get(id)).toEqual({ present: false, since: at("08:57").toISOString() });
  });
});

describe("Admit next", () => {
  it("admits the first patient in the queue who is here, passing over one who is away, and nobody else while that call is on", async () => {
    const { asDoctor, waiting } = await waitingPatients(["09:00", "09:10", "09:20"]);
    const [away, firstHere, secondHere] = waiting as [string, string, string];
    const now = at("09:06");
    await recordArrival(db(), "00000000-0000-4000-8000-000000000011", firstHere, at("08:58"));
    await recordArrival(db(), "00000000-0000-4000-8000-000000000012", secondHere, at("08:57"));
    await recordArrival(db(), "00000000-0000-4000-8000-000000000013", away, at("08:56"));
    await recordDeparture(db(), "00000000-0000-4000-8000-000000000013", away, at("09:02"));
    await recordHeartbeat(db(), ["00000000-0000-4000-8000-000000000011", "00000000-0000-4000-8000-000000000012"], later(now, -5000));

    // Two presses at once (a double click): one admits, the other is refused.
    const presses = await Promise.all([settle(admitNext(db(), asDoctor, { now })), settle(admitNext(db(), asDoctor, { now }))]);
    expect(presses.filter((p) => p.ok).map((p) => (p.ok ? p.value : null))).toEqual([{ appointmentId: firstHere }]);
    const refused = presses.find((p) => !p.ok);
    expect(refused && !refused.ok ? refused.error : null).toMatchObject({ status: 409, messageKey: "doctorToday.inCall", detail: { appointmentId: firstHere } });
    expect([await statusOf(away), await statusOf(firstHere), await statusOf(secondHere)]).toEqual(["checked_in", "in_consultation", "checked_in"]);

    // After that visit, the next one here; then nobody here (only the one away waits).
    await changeRoomState(db(), asDoctor, firstHere, "end", { now: at("09:15") });
    await recordHeartbeat(db(), ["00000000-0000-4000-8000-000000000012"], at("09:15"));
    expect(await admitNext(db(), asDoctor, { now: at("09:15") })).toEqual({ appointmentId: secondHere });
    await changeRoomState(db(), asDoctor, secondHere, "end", { now: at("09:25") });
    await expect(admitNext(db(), asDoctor, { now: at("09:25") })).rejects.toMatchObject({ status: 409, messageKey: "doctorToday.nobodyHere" });
    expect(await statusOf(away)).toBe("checked_in");
  });

  it("asks before Admit opens a call with a patient who is away, and admits when told to", async () => {
    const { asDoctor, waiting } = await waitingPatients(["09:00"]);
    const [id] = waiting as [string];
    await recordArrival(db(), "00000000-0000-4000-8000-000000000021", id, at("08:55"));
    await recordDeparture(db(), "00000000-0000-4000-8000-000000000021", id, at("08:58"));
    await expect(changeRoomState(db(), asDoctor, id, "admit", { now: at("09:01"), warnIfAway: true })).rejects.toMatchObject({
      status: 409,
      detail: { away: { since: at("08:58").toISOString() } },
    });
    expect(await statusOf(id)).toBe("checked_in");
    await changeRoomState(db(), asDoctor, id, "admit", { now: at("09:01") });
    expect(await statusOf(id)).toBe("in_consultation");
  });
});
