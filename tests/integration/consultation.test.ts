import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appointments, chatMessages, consultations, users } from "~db/schema";
import { listChat, sendChat } from "~/features/consultation/chat.server";
import {
  changeRoomState,
  ensureRoomName,
  getRoomAccess,
  listWaiting,
  queueState,
  type RoomAction,
} from "~/features/consultation/room.server";
import type { LiveEvent } from "~/features/live/events";
import { LIVE_CHANNEL } from "~/features/live/publish.server";
import { sqlState } from "~/utils/db-errors.server";
import { ConflictError, type DomainError, ForbiddenError, NotFoundError } from "~/utils/errors";
import { at } from "../helpers/booking";
import {
  type Actor,
  auditRowsFor,
  insertAppointment,
  makeConsultation,
  minutesAfter,
  rejectionOf,
  waitFor,
} from "../helpers/consult-fixtures";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor, makeUser } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

// The appointments below run 09:00–09:30 on MONDAY: the room opens at 08:45 and closes at 10:30.
const t = (time: string) => at(time);

const move = (actor: Actor, appointmentId: string, action: RoomAction, time: string | Date) =>
  changeRoomState(db(), actor, appointmentId, action, { now: typeof time === "string" ? t(time) : time });

const statusOf = async (appointmentId: string) =>
  (await db().select({ status: appointments.status }).from(appointments).where(eq(appointments.id, appointmentId)))[0]!
    .status;

const consultationOf = async (appointmentId: string) =>
  (await db().select().from(consultations).where(eq(consultations.appointmentId, appointmentId)))[0];

async function expectDomainError(
  promise: Promise<unknown>,
  type: new (...args: never[]) => DomainError,
  messageKey?: string,
) {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(type);
  if (messageKey) expect((error as DomainError).messageKey).toBe(messageKey);
  return error as DomainError;
}

async function makeStaff(role: "staff" | "admin" = "staff"): Promise<Actor> {
  return { id: (await makeUser(db(), role)).id, role };
}

describe("checking in", () => {
  it("lets the patient check in only inside the join window, stamping the consultation", async () => {
    const { appointment, asPatient } = await makeConsultation(db());
    await expectDomainError(move(asPatient, appointment.id, "checkIn", "08:44"), ConflictError, "consult.outsideWindow");
    await expectDomainError(
      move(asPatient, appointment.id, "checkIn", minutesAfter(t("08:45"), -1 / 60_000)),
      ConflictError,
      "consult.outsideWindow",
    );
    await expectDomainError(move(asPatient, appointment.id, "checkIn", "10:30"), ConflictError, "consult.outsideWindow");
    expect(await statusOf(appointment.id)).toBe("booked");
    expect(await consultationOf(appointment.id)).toBeUndefined();

    const result = await move(asPatient, appointment.id, "checkIn", "08:45");
    expect(result).toEqual({ status: "checked_in" });
    expect(await statusOf(appointment.id)).toBe("checked_in");
    const consultation = await consultationOf(appointment.id);
    expect(consultation).toMatchObject({ checkedInAt: t("08:45"), admittedAt: null, endedAt: null });
  });

  it("refuses a second check-in as a change that already happened, keeping the first time", async () => {
    const { appointment, asPatient } = await makeConsultation(db());
    await move(asPatient, appointment.id, "checkIn", "08:50");
    await expectDomainError(move(asPatient, appointment.id, "checkIn", "08:55"), ConflictError, "consult.wrongState");
    expect(await statusOf(appointment.id)).toBe("checked_in");
    expect((await consultationOf(appointment.id))?.checkedInAt).toEqual(t("08:50"));
  });

  it("lets nobody but the patient check in", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    const stranger = await makeUser(db(), "patient");
    await expectDomainError(move(asDoctor, appointment.id, "checkIn", "08:50"), ForbiddenError);
    await expectDomainError(move({ id: stranger.id, role: "patient" }, appointment.id, "checkIn", "08:50"), NotFoundError);
    await expectDomainError(move(await makeStaff(), appointment.id, "checkIn", "08:50"), ForbiddenError, "consult.participantsOnly");
    expect(await statusOf(appointment.id)).toBe("booked");
  });
});

describe("admitting and ending", () => {
  it("lets only the appointment's own doctor admit the patient", async () => {
    const { appointment, asPatient, asDoctor } = await makeConsultation(db());
    await move(asPatient, appointment.id, "checkIn", "08:50");
    const otherDoctor = await makeDoctor(db());

    await expectDomainError(move({ id: otherDoctor.userId, role: "doctor" }, appointment.id, "admit", "09:00"), NotFoundError);
    const byPatient = await expectDomainError(move(asPatient, appointment.id, "admit", "09:00"), ForbiddenError);
    expect(byPatient.status).toBe(403);
    await expectDomainError(move(await makeStaff(), appointment.id, "admit", "09:00"), ForbiddenError, "consult.participantsOnly");
    await expectDomainError(move(await makeStaff("admin"), appointment.id, "admit", "09:00"), ForbiddenError, "consult.participantsOnly");
    expect(await statusOf(appointment.id)).toBe("checked_in");

    expect(await move(asDoctor, appointment.id, "admit", "09:01")).toEqual({ status: "in_consultation" });
    expect(await consultationOf(appointment.id)).toMatchObject({ checkedInAt: t("08:50"), admittedAt: t("09:01"), endedAt: null });
  });

  it("admits only a checked-in patient and ends only a consultation in progress", async () => {
    const { appointment, asPatient, asDoctor } = await makeConsultation(db());
    await expectDomainError(move(asDoctor, appointment.id, "admit", "08:50"), ConflictError, "consult.wrongState");
    await expectDomainError(move(asDoctor, appointment.id, "end", "08:50"), ConflictError, "consult.wrongState");
    await move(asPatient, appointment.id, "checkIn", "08:51");
    await expectDomainError(move(asDoctor, appointment.id, "end", "08:52"), ConflictError, "consult.wrongState");
    expect(await statusOf(appointment.id)).toBe("checked_in");

    await move(asDoctor, appointment.id, "admit", "09:00");
    await expectDomainError(move(asDoctor, appointment.id, "admit", "09:01"), ConflictError, "consult.wrongState");
    await expectDomainError(move(asPatient, appointment.id, "end", "09:02"), ForbiddenError);
    expect(await move(asDoctor, appointment.id, "end", "09:25")).toEqual({ status: "completed" });
    expect(await statusOf(appointment.id)).toBe("completed");
    expect(await consultationOf(appointment.id)).toMatchObject({ admittedAt: t("09:00"), endedAt: t("09:25") });
    await expectDomainError(move(asDoctor, appointment.id, "end", "09:26"), ConflictError, "consult.wrongState");
  });
});

describe("no-show", () => {
  it("is refused until ten minutes after the start, for the doctor and for staff", async () => {
    const { appointment, asDoctor } = await makeConsultation(db());
    const justBefore = minutesAfter(t("09:10"), -1 / 60);
    await expectDomainError(move(asDoctor, appointment.id, "noShow", justBefore), ConflictError, "consult.noShowTooEarly");
    await expectDomainError(move(await makeStaff(), appointment.id, "noShow", justBefore), ConflictError, "consult.noShowTooEarly");
    expect(await statusOf(appointment.id)).toBe("booked");
  });

  it("may be marked by the doctor from ten minutes after the start", async () => {
    const { appointment, asDoctor, asPatient } = await makeConsultation(db());
    await expectDomainError(move(asPatient, appointment.id, "noShow", "09:10"), ForbiddenError);
    const otherDoctor = await makeDoctor(db());
    await expectDomainError(move({ id: otherDoctor.userId, role: "doctor" }, appointment.id, "noShow", "09:10"), NotFoundError);
    expect(await move(asDoctor, appointment.id, "noShow", "09:10")).toEqual({ status: "no_show" });
    expect(await statusOf(appointment.id)).toBe("no_show");
    // The patient who turns up after all finds the appointment closed.
    await expectDomainError(move(asPatient, appointment.id, "checkIn", "09:12"), ConflictError, "consult.wrongState");
  });

  it("may be marked by clinic staff and admins", async () => {
    const first = await makeConsultation(db());
    const second = await makeConsultation(db());
    expect(await move(await makeStaff(), first.appointment.id, "noShow", "09:40")).toEqual({ status: "no_show" });
    expect(await move(await makeStaff("admin"), second.appointment.id, "noShow", "09:40")).toEqual({ status: "no_show" });
    expect(await statusOf(first.appointment.id)).toBe("no_show");
    expect(await statusOf(second.appointment.id)).toBe("no_show");
    await expectDomainError(move(await makeStaff(), crypto.randomUUID(), "noShow", "09:40"), NotFoundError);
  });

  it("is refused once the patient has checked in", async () => {
    const { appointment, asDoctor, asPatient } = await makeConsultation(db());
    await move(asPatient, appointment.id, "checkIn", "08:58");
    await expectDomainError(move(asDoctor, appointment.id, "noShow", "09:20"), ConflictError, "consult.wrongState");
    await expectDomainError(move(await makeStaff(), appointment.id, "noShow", "09:20"), ConflictError, "consult.wrongState");
    expect(await statusOf(appointment.id)).toBe("checked_in");
  });
});

describe("audit trail of the room", () => {
  it("writes exactly one audit row per transition, naming the action, the actor and the appointment", async () => {
    const { appointment, asPatient, asDoctor } = await makeConsultation(db());
    const missed = await makeConsultation(db(), { start: "10:00" });
    const staff = await makeStaff();
    await move(asPatient, appointment.id, "checkIn", "08:50");
    await move(asDoctor, appointment.id, "admit", "09:00");
    await move(asDoctor, appointment.id, "end", "09:20");
    await move(staff, missed.appointment.id, "noShow", "10:15");

    const rows = await auditRowsFor(db(), [appointment.id, missed.appointment.id]);
    expect(rows.map((r) => ({ action: r.action, actorId: r.actorId, entityType: r.entityType, entityId: r.entityId }))).toEqual([
      { action: "appointment.checked_in", actorId: asPatient.id, entityType: "appointment", entityId: appointment.id },
      { action: "appointment.admitted", actorId: asDoctor.id, entityType: "appointment", entityId: appointment.id },
      { action: "appointment.ended", actorId: asDoctor.id, entityType: "appointment", entityId: appointment.id },
      { action: "appointment.no_show", actorId: staff.id, entityType: "appointment", entityId: missed.appointment.id },
    ]);
  });

  it("records how the patient checks in to join, on the consultation and its audit row; by video unless said", async () => {
    const { appointment, asPatient } = await makeConsultation(db());
    const other = await makeConsultation(db(), { start: "10:00" });
    await changeRoomState(db(), asPatient, appointment.id, "checkIn", { now: t("08:50"), joinMode: "voice" });
    await changeRoomState(db(), other.asPatient, other.appointment.id, "checkIn", { now: t("09:50") });
    const modes = await db()
      .select({ id: consultations.appointmentId, joinMode: consultations.joinMode })
      .from(consultations)
      .where(sql`${consultations.appointmentId} in (${appointment.id}, ${other.appointment.id})`);
    expect(Object.fromEntries(modes.map((m) => [m.id, m.joinMode]))).toEqual({ [appointment.id]: "voice", [other.appointment.id]: "video" });
    const [row] = await auditRowsFor(db(), [appointment.id]);
    expect(row?.detail).toEqual({ joinMode: "voice" });
  });

  it("records the client address given with the request", async () => {
    const { appointment, asPatient } = await makeConsultation(db());
    await changeRoomState(db(), asPatient, appointment.id, "checkIn", { now: t("08:50"), clientAddress: "203.0.113.7" });
    const [row] = await auditRowsFor(db(), [appointment.id]);
    expect(row?.clientAddress).toBe("203.0.113.7");
  });

  it("writes no audit row for a refused transition", async () => {
    const { appointment, asPatient, asDoctor } = await makeConsultation(db());
    await rejectionOf(move(asPatient, appointment.id, "checkIn", "08:00"));
    await rejectionOf(move(asDoctor, appointment.id, "admit", "08:50"));
    await rejectionOf(move(asDoctor, appointment.id, "noShow", "09:05"));
    await rejectionOf(move(await makeStaff(), appointment.id, "admit", "08:50"));
    expect(await auditRowsFor(db(), [appointment.id])).toHaveLength(0);

    await move(asPatient, appointment.id, "checkIn", "08:50");
    await rejectionOf(move(asPatient, appointment.id, "checkIn", "08:51"));
    await rejectionOf(move(asDoctor, appointment.id, "noShow", "09:30"));
    await rejectionOf(move(asDoctor, appointment.id, "end", "09:30"));
    expect((await auditRowsFor(db(), [appointment.id])).map((r) => r.action)).toEqual(["appointment.checked_in"]);
  });

  it("writes the audit row in the same transaction as the change", async () => {
    const { appointment, asPatient } = await makeConsultation(db());
    await move(asPatient, appointment.id, "checkIn", "08:50");
    // now() is the transaction's start: the audit row and the consultation row it created share it.
    const [row] = await auditRowsFor(db(), [appointment.id]);
    expect(row!.at).toEqual((await consultationOf(appointment.id))!.createdAt);
  });

  it("rolls the change back, and announces nothing, when its audit row cannot be written", async () => {
    const { appointment, asPatient } = await makeConsultation(db());
    const heard: LiveEvent[] = [];
    const unlisten = await testDatabase.handle.listen(LIVE_CHANNEL, (payload) => heard.push(JSON.parse(payload) as LiveEvent));
    // A test-only trigger that refuses this appointment's audit rows (the id is a UUID from the database).
    await db().execute(
      sql.raw(`create function consult_test_refuse_audit() returns trigger language plpgsql as $$
        begin
          if new.entity_id = '${appointment.id}' then raise exception 'audit refused by the test'; end if;
          return new;
        end $$`),
    );
    await db().execute(
      sql.raw(`create trigger consult_test_refuse_audit before insert on audit_events
        for each row execute function consult_test_refuse_audit()`),
    );
    try {
      const error = await rejectionOf(move(asPatient, appointment.id, "checkIn", "08:50"));
      expect(String((error as { cause?: unknown }).cause ?? error)).toContain("audit refused by the test");
    } finally {
      await db().execute(sql.raw(`drop trigger consult_test_refuse_audit on audit_events`));
      await db().execute(sql.raw(`drop function consult_test_refuse_audit()`));
    }
    expect(await statusOf(appointment.id)).toBe("booked");
    expect(await consultationOf(appointment.id)).toBeUndefined();
    expect(await auditRowsFor(db(), [appointment.id])).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await unlisten();
    expect(heard.filter((e) => "appointmentId" in e && e.appointmentId === appointment.id)).toEqual([]);
  });
});

describe("live events", () => {
  it("publishes every transition with what changed: the new and previous status, the entry and the doctor's queue after it", async () => {
    const { appointment, doctor, patient, asPatient, asDoctor } = await makeConsultation(db());
    const missed = await makeConsultation(db(), { start: "10:00" });
    const heard: LiveEvent[] = [];
    const unlisten = await testDatabase.handle.listen("yz_live", (payload) => heard.push(JSON.parse(payload) as LiveEvent));
    try {
      const appointmentEvents = (id: string) =>
        heard.filter((e): e is Extract<LiveEvent, { kind: "appointment" }> => e.kind === "appointment" && e.appointmentId === id);

      await move(asPatient, appointment.id, "checkIn", "08:50");
      expect(await waitFor(() => appointmentEvents(appointment.id).length >= 1)).toBe(true);
      await move(asDoctor, appointment.id, "admit", "09:00");
      expect(await waitFor(() => appointmentEvents(appointment.id).length >= 2)).toBe(true);
      await move(asDoctor, appointment.id, "end", "09:20");
      expect(await waitFor(() => appointmentEvents(appointment.id).length >= 3)).toBe(true);
      await move(missed.asDoctor, missed.appointment.id, "noShow", "10:10");
      expect(await waitFor(() => appointmentEvents(missed.appointment.id).length >= 1)).toBe(true);

      expect(appointmentEvents(appointment.id)).toMatchObject(
        [
          ["booked", "checked_in", { waiting: [appointment.id], inCall: false }],
          ["checked_in", "in_consultation", { waiting: [], inCall: true }],
          ["in_consultation", "completed", { waiting: [], inCall: false }],
        ].map(([previous, status, queue]) => ({
          kind: "appointment",
          appointmentId: appointment.id,
          doctorId: doctor.id,
          patientId: patient.id,
          previous,
          status,
          queue,
        })),
      );
      const [checkedIn, admitted] = appointmentEvents(appointment.id);
      expect(checkedIn!.entry).toMatchObject({ patientName: expect.any(String), reason: expect.any(String), admittedAt: null });
      expect(Date.parse(admitted!.entry!.admittedAt!)).toBeGreaterThanOrEqual(Date.parse(admitted!.entry!.checkedInAt!));
      expect(appointmentEvents(missed.appointment.id)).toMatchObject([{ status: "no_show" }]);

      // A refused transition announces nothing.
      await rejectionOf(move(asDoctor, appointment.id, "end", "09:21"));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(appointmentEvents(appointment.id)).toHaveLength(3);
    } finally {
      await unlisten();
    }
  });
});

describe("waiting queue", () => {
  it("announces the queue after each change in commit order, even when a doctor's patients check in at the same moment", async () => {
    const doctor = await makeDoctor(db());
    const patients: { appointment: { id: string }; asPatient: Actor }[] = [];
    for (let i = 0; i < 12; i++) {
      const patient = await makeUser(db(), "patient");
      const start = `09:${String(i).padStart(2, "0")}`;
      patients.push({ appointment: await insertAppointment(db(), { patientId: patient.id, doctorId: doctor.id, start, minutes: 1 }), asPatient: { id: patient.id, role: "patient" } });
    }
    const heard: string[][] = [];
    const unlisten = await testDatabase.handle.listen(LIVE_CHANNEL, (payload) => {
      const event = JSON.parse(payload) as LiveEvent;
      if (event.kind === "appointment" && event.doctorId === doctor.id && event.queue) heard.push(event.queue.waiting);
    });
    try {
      await Promise.all(patients.map(({ appointment, asPatient }) => move(asPatient, appointment.id, "checkIn", "08:58")));
      expect(await waitFor(() => heard.length === patients.length)).toBe(true);
      // Each announced queue holds the one before it and one more: none was computed from a stale view.
      for (let i = 1; i < heard.length; i++) {
        expect(heard[i]!.length).toBe(i + 1);
        expect(heard[i]!.filter((id) => heard[i - 1]!.includes(id))).toEqual(heard[i - 1]);
      }
      // The last is the whole waiting room, in appointment order.
      expect(heard.at(-1)).toEqual(patients.map((p) => p.appointment.id));
    } finally {
      await unlisten();
    }
  });

  it("orders waiting patients by appointment time, and moves everyone up when the first is admitted", async () => {
    const doctor = await makeDoctor(db());
    const asDoctor: Actor = { id: doctor.userId, role: "doctor" };
    const booked: { appointment: { id: string }; asPatient: Actor }[] = [];
    for (const start of ["09:00", "09:15", "09:30"]) {
      const patient = await makeUser(db(), "patient");
      const appointment = await insertAppointment(db(), { patientId: patient.id, doctorId: doctor.id, start, minutes: 15 });
      booked.push({ appointment, asPatient: { id: patient.id, role: "patient" } });
    }
    const [first, second, third] = booked as [(typeof booked)[0], (typeof booked)[0], (typeof booked)[0]];
    // They arrive in reverse order: arrival must not decide the queue.
    await move(third.asPatient, third.appointment.id, "checkIn", "09:20");
    await move(second.asPatient, second.appointment.id, "checkIn", "09:21");
    await move(first.asPatient, first.appointment.id, "checkIn", "09:22");

    const positions = async () =>
      Promise.all(booked.map(({ appointment }) => queueState(db(), { id: appointment.id, doctorId: doctor.id })));
    expect(await positions()).toEqual([
      { position: 1, doctorBusy: false },
      { position: 2, doctorBusy: false },
      { position: 3, doctorBusy: false },
    ]);
    expect((await listWaiting(db(), doctor.id)).map((w) => w.appointmentId)).toEqual(booked.map((b) => b.appointment.id));

    await move(asDoctor, first.appointment.id, "admit", "09:23");
    expect(await positions()).toEqual([
      { position: null, doctorBusy: true },
      { position: 1, doctorBusy: true },
      { position: 2, doctorBusy: true },
    ]);
  });

  it("keeps other doctors' patients out of the queue", async () => {
    const mine = await makeConsultation(db());
    const theirs = await makeConsultation(db());
    await move(mine.asPatient, mine.appointment.id, "checkIn", "08:55");
    await move(theirs.asPatient, theirs.appointment.id, "checkIn", "08:50");
    await move(theirs.asDoctor, theirs.appointment.id, "admit", "09:00");
    expect(await queueState(db(), { id: mine.appointment.id, doctorId: mine.doctor.id })).toEqual({
      position: 1,
      doctorBusy: false,
    });
    expect((await listWaiting(db(), mine.doctor.id)).map((w) => w.appointmentId)).toEqual([mine.appointment.id]);
  });
});

describe("room names", () => {
  it("are 128 random bits in hex, unique per appointment, free of patient data and stable", async () => {
    const doctor = await makeDoctor(db());
    const rooms: { appointmentId: string; patientId: string; email: string; roomName: string }[] = [];
    for (const [i, start] of ["09:00", "09:30", "10:00", "10:30", "11:00"].entries()) {
      const patient = await makeUser(db(), "patient");
      await db().update(users).set({ displayName: `Zhang Wei ${i}` }).where(eq(users.id, patient.id));
      const appointment = await insertAppointment(db(), { patientId: patient.id, doctorId: doctor.id, start });
      const roomName = await ensureRoomName(db(), appointment.id);
      rooms.push({ appointmentId: appointment.id, patientId: patient.id, email: patient.email, roomName });
    }
    for (const room of rooms) {
      expect(room.roomName).toMatch(/^[0-9a-f]{32}$/);
      expect(room.roomName).not.toContain(room.patientId.replaceAll("-", ""));
      expect(room.roomName).not.toContain(room.appointmentId.replaceAll("-", ""));
      expect(room.roomName.toLowerCase()).not.toContain(room.email.toLowerCase());
      expect(room.roomName.toLowerCase()).not.toContain("zhang");
      expect(await ensureRoomName(db(), room.appointmentId)).toBe(room.roomName);
    }
    expect(new Set(rooms.map((r) => r.roomName)).size).toBe(rooms.length);
  });

  it("keeps the room name a check-in finds, and the one a check-in creates", async () => {
    const named = await makeConsultation(db());
    const before = await ensureRoomName(db(), named.appointment.id);
    await move(named.asPatient, named.appointment.id, "checkIn", "08:50");
    expect((await consultationOf(named.appointment.id))?.roomName).toBe(before);

    const unnamed = await makeConsultation(db());
    await move(unnamed.asPatient, unnamed.appointment.id, "checkIn", "08:50");
    const created = (await consultationOf(unnamed.appointment.id))!.roomName;
    expect(created).toMatch(/^[0-9a-f]{32}$/);
    expect(await ensureRoomName(db(), unnamed.appointment.id)).toBe(created);
    await move(unnamed.asDoctor, unnamed.appointment.id, "admit", "09:00");
    expect(await ensureRoomName(db(), unnamed.appointment.id)).toBe(created);
  });
});

describe("room access", () => {
  it("admits the two participants and tells everyone else as little as possible", async () => {
    const { appointment, asPatient, asDoctor } = await makeConsultation(db());
    const patientView = await getRoomAccess(db(), asPatient, appointment.id, t("08:45"));
    expect(patientView).toMatchObject({ role: "patient", inWindow: true, window: { opensAt: t("08:45"), closesAt: t("10:30") } });
    expect((await getRoomAccess(db(), asDoctor, appointment.id, t("08:44"))).inWindow).toBe(false);
    expect((await getRoomAccess(db(), asDoctor, appointment.id, t("10:30"))).inWindow).toBe(false);

    const stranger = await makeUser(db(), "patient");
    await expectDomainError(getRoomAccess(db(), { id: stranger.id, role: "patient" }, appointment.id, t("09:00")), NotFoundError);
    await expectDomainError(getRoomAccess(db(), await makeStaff(), appointment.id, t("09:00")), ForbiddenError, "consult.participantsOnly");
    await expectDomainError(getRoomAccess(db(), asPatient, "not-a-uuid", t("09:00")), NotFoundError);
    await expectDomainError(getRoomAccess(db(), asPatient, crypto.randomUUID(), t("09:00")), NotFoundError);
  });
});

describe("chat", () => {
  it("stores messages and lists them oldest first, with each sender's role worked out from the appointment", async () => {
    const { appointment, patient, doctor } = await makeConsultation(db());
    const sent = [];
    sent.push(await sendChat(db(), { id: patient.id, displayName: "Test patient", role: "patient" }, appointment.id, "Hello, doctor"));
    sent.push(await sendChat(db(), { id: doctor.userId, displayName: "Dr", role: "doctor" }, appointment.id, "Hello! How are you?"));
    sent.push(await sendChat(db(), { id: patient.id, displayName: "Test patient", role: "patient" }, appointment.id, "头痛 — better today"));

    const other = await makeConsultation(db());
    await sendChat(db(), { id: other.patient.id, displayName: "Other", role: "patient" }, other.appointment.id, "Not yours");

    const listed = await listChat(db(), appointment);
    expect(listed.map((m) => [m.senderRole, m.body])).toEqual([
      ["patient", "Hello, doctor"],
      ["doctor", "Hello! How are you?"],
      ["patient", "头痛 — better today"],
    ]);
    expect(listed.map((m) => m.id)).toEqual(sent.map((m) => m.id));
    expect(listed[0]!.senderName).toBe("Test patient");
    const times = listed.map((m) => Date.parse(m.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("announces each message on the live channel", async () => {
    const { appointment, patient } = await makeConsultation(db());
    const heard: LiveEvent[] = [];
    const unlisten = await testDatabase.handle.listen(LIVE_CHANNEL, (payload) => heard.push(JSON.parse(payload) as LiveEvent));
    try {
      const message = await sendChat(db(), { id: patient.id, displayName: "Test patient", role: "patient" }, appointment.id, "Ping");
      const event = await waitFor(() => heard.find((e) => e.kind === "chat" && e.appointmentId === appointment.id));
      expect(event).toEqual({ kind: "chat", appointmentId: appointment.id, message });
    } finally {
      await unlisten();
    }
  });

  it("stores a message resent with the same client id once, and announces it again for the sender to see", async () => {
    const { appointment, patient, doctor } = await makeConsultation(db());
    const sender = { id: patient.id, displayName: "Test patient", role: "patient" as const };
    const clientId = crypto.randomUUID();
    const heard: LiveEvent[] = [];
    const unlisten = await testDatabase.handle.listen(LIVE_CHANNEL, (payload) => heard.push(JSON.parse(payload) as LiveEvent));
    try {
      const first = await sendChat(db(), sender, appointment.id, "Sent as the line dropped", clientId);
      const again = await sendChat(db(), sender, appointment.id, "Sent as the line dropped", clientId);
      expect(again).toEqual(first);
      expect(first.clientId).toBe(clientId);
      expect((await listChat(db(), appointment)).map((m) => m.id)).toEqual([first.id]);
      expect(await waitFor(() => heard.filter((e) => e.kind === "chat" && e.message.id === first.id).length === 2)).toBe(true);
      // The other participant's message that happens to carry the same client id is a message of its own.
      const reply = await sendChat(db(), { id: doctor.userId, displayName: "Dr", role: "doctor" }, appointment.id, "Reply", clientId);
      expect(reply.id).not.toBe(first.id);
      expect((await listChat(db(), appointment)).map((m) => m.body)).toEqual(["Sent as the line dropped", "Reply"]);
    } finally {
      await unlisten();
    }
  });

  it("is refused by the database when a message is empty or longer than 1000 characters", async () => {
    const { appointment, patient } = await makeConsultation(db());
    const sender = { id: patient.id, displayName: "Test patient", role: "patient" as const };
    for (const body of ["", "x".repeat(1001), "字".repeat(1001)]) {
      const error = await rejectionOf(sendChat(db(), sender, appointment.id, body));
      expect(sqlState(error)).toBe("23514");
    }
    // Raw inserts are refused the same way: the limit is the table's, not the function's.
    const raw = await rejectionOf(db().insert(chatMessages).values({ appointmentId: appointment.id, senderId: patient.id, body: "" }));
    expect(sqlState(raw)).toBe("23514");
    expect(await listChat(db(), appointment)).toEqual([]);

    await sendChat(db(), sender, appointment.id, "字".repeat(1000));
    await sendChat(db(), sender, appointment.id, "a");
    expect((await listChat(db(), appointment)).map((m) => m.body.length)).toEqual([1000, 1]);
  });
});
