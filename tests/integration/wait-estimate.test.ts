import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appointments } from "~db/schema";
import { changeRoomState, type RoomAction } from "~/features/consultation/room.server";
import { readDoctorPace } from "~/features/consultation/wait-estimate.server";
import { at, CLINIC_ZONE, MONDAY } from "../helpers/booking";
import { type Actor, insertAppointment, makeConsultation, MINUTE } from "../helpers/consult-fixtures";
import { useTestDatabase } from "../helpers/database";
import { makeUser } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;
const clinic = { timeZone: CLINIC_ZONE };
const SUNDAY = "2031-03-02";

const move = (actor: Actor, appointmentId: string, action: RoomAction, time: string, date = MONDAY) =>
  changeRoomState(db(), actor, appointmentId, action, { now: at(time, date) });

/** A consultation of the doctor from check-in to its end, at the given times of `date`. */
async function seen(doctor: { id: string; userId: string }, start: string, admitted: string, ended: string | null, date = MONDAY) {
  const patient = await makeUser(db(), "patient");
  const appointment = await insertAppointment(db(), { patientId: patient.id, doctorId: doctor.id, start });
  if (date !== MONDAY) {
    const minutes = (appointment.endsAt.getTime() - appointment.startsAt.getTime()) / MINUTE;
    await db()
      .update(appointments)
      .set({ startsAt: at(start, date), endsAt: new Date(at(start, date).getTime() + minutes * MINUTE) })
      .where(eq(appointments.id, appointment.id));
  }
  const asDoctor = { id: doctor.userId, role: "doctor" } satisfies Actor;
  await move({ id: patient.id, role: "patient" }, appointment.id, "checkIn", start, date);
  await move(asDoctor, appointment.id, "admit", admitted, date);
  if (ended) await move(asDoctor, appointment.id, "end", ended, date);
  return appointment;
}

describe("the doctor's pace for a waiting patient's estimate", () => {
  it("falls back to the appointment's length when the doctor has seen nobody today", async () => {
    const { appointment, doctor } = await makeConsultation(db(), { start: "09:30", minutes: 15 });
    expect(await readDoctorPace(db(), { ...appointment, doctorId: doctor.id }, clinic, at("09:20"))).toEqual({
      consultationMs: 15 * MINUTE,
      basis: "slot",
      callSince: null,
    });
  });

  it("is the median of the consultations the doctor ended today, with the call they are in now", async () => {
    const { appointment, doctor } = await makeConsultation(db(), { start: "10:00" });
    // Yesterday's long consultation and another doctor's day do not count.
    await seen(doctor, "20:00", "20:00", "20:45", SUNDAY);
    const other = await makeConsultation(db(), { start: "08:00" });
    await seen(other.doctor, "08:30", "08:30", "09:20");

    await seen(doctor, "08:00", "08:00", "08:06");
    await seen(doctor, "08:30", "08:31", "08:41");
    await seen(doctor, "09:00", "09:01", null);

    expect(await readDoctorPace(db(), { ...appointment, doctorId: doctor.id }, clinic, at("09:12"))).toEqual({
      consultationMs: 8 * MINUTE,
      basis: "today",
      callSince: at("09:01").toISOString(),
    });
  });
});
