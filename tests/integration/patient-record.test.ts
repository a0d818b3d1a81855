import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appointments, consultNotes, patientProfiles } from "~db/schema";
import { getRoomAccess } from "~/features/consultation/room.server";
import { readPatientRecord, readProfile, saveProfile } from "~/features/patient-record/patient-record.server";
import { profileForm } from "~/features/patient-record/schemas.server";
import { ForbiddenError } from "~/utils/errors";
import { MONDAY, NOW } from "../helpers/booking";
import { auditRowsFor, insertAppointment, makeConsultation, rejectionOf } from "../helpers/consult-fixtures";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;
const form = profileForm(MONDAY);

/** A finished visit of the patient with another doctor, its note signed (or only drafted). */
async function earlierVisit(patientId: string, date: string, diagnosis: string, signed = true) {
  const doctor = await makeDoctor(db());
  const row = await insertAppointment(db(), { patientId, doctorId: doctor.id, start: "10:00" });
  const startsAt = new Date(`${date}T02:00:00Z`);
  await db()
    .update(appointments)
    .set({ status: "completed", startsAt, endsAt: new Date(startsAt.getTime() + 30 * 60_000) })
    .where(eq(appointments.id, row.id));
  await db().insert(consultNotes).values({ appointmentId: row.id, authorId: doctor.userId, diagnosis, advice: "Rest", signedAt: signed ? startsAt : null });
  return row.id;
}

describe("the patient's health profile", () => {
  it("is the patient's own to state and change, and each change is audited without the values", async () => {
    const { patient, asPatient } = await makeConsultation(db());
    expect(await readProfile(db(), patient.id)).toEqual({ birthDate: null, sex: null, allergies: null, noKnownAllergies: false });
    const input = form.parse({ birthDate: "1988-04-02", sex: "female", allergies: "Penicillin: rash", noKnownAllergies: "" });
    await saveProfile(db(), asPatient, input, { clientAddress: "203.0.113.7" });
    expect(await readProfile(db(), patient.id)).toEqual({ birthDate: "1988-04-02", sex: "female", allergies: "Penicillin: rash", noKnownAllergies: false });
    await saveProfile(db(), asPatient, form.parse({ birthDate: "1988-04-02", sex: "female", allergies: "", noKnownAllergies: "on" }));
    expect((await readProfile(db(), patient.id)).noKnownAllergies).toBe(true);

    const audit = await auditRowsFor(db(), [patient.id], "patient_profile.updated");
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain("Penicillin");
  });

  it("refuses a future birth date, an unknown sex, and allergies beside 'no known allergies', in the form and in the database", async () => {
    expect(form.safeParse({ birthDate: "2031-03-04", sex: "", allergies: "", noKnownAllergies: "" }).success).toBe(false);
    expect(form.safeParse({ birthDate: "1990-02-30", sex: "", allergies: "", noKnownAllergies: "" }).success).toBe(false);
    expect(form.safeParse({ birthDate: "", sex: "unknown", allergies: "", noKnownAllergies: "" }).success).toBe(false);
    expect(form.safeParse({ birthDate: "", sex: "", allergies: "Peanuts", noKnownAllergies: "on" }).success).toBe(false);
    const { patient } = await makeConsultation(db());
    const error = await rejectionOf(db().insert(patientProfiles).values({ userId: patient.id, allergies: "Peanuts", noKnownAllergies: true }));
    expect(String((error as { cause?: unknown }).cause ?? error)).toMatch(/patient_profiles_allergies_or_none/);
  });

  it("cannot be written by anyone but a patient", async () => {
    const { asDoctor } = await makeConsultation(db());
    const input = form.parse({ birthDate: "", sex: "", allergies: "", noKnownAllergies: "" });
    expect(await rejectionOf(saveProfile(db(), asDoctor, input))).toBeInstanceOf(ForbiddenError);
  });
});

describe("the patient's record in the doctor's room", () => {
  it("gives the appointment's doctor age, sex, allergies and the earlier signed visits, newest first, and audits the look", async () => {
    const { patient, appointment, asPatient, asDoctor } = await makeConsultation(db());
    await saveProfile(db(), asPatient, form.parse({ birthDate: "1990-03-03", sex: "male", allergies: "Aspirin", noKnownAllergies: "" }));
    const older = await earlierVisit(patient.id, "2030-05-01", "Asthma");
    const newer = await earlierVisit(patient.id, "2031-01-10", "Bronchitis");
    await earlierVisit(patient.id, "2030-09-01", "Draft only", false);

    const access = await getRoomAccess(db(), asDoctor, appointment.id, NOW);
    const record = await readPatientRecord(db(), asDoctor, access, { now: NOW, clientAddress: "203.0.113.8" });
    // Born 3 March 1990; the clinic's day is Sunday 2 March 2031: 40 until tomorrow.
    expect(record).toMatchObject({ age: 40, sex: "male", allergies: "Aspirin", noKnownAllergies: false });
    expect(record.earlierVisits.map((v) => [v.appointmentId, v.diagnosis])).toEqual([
      [newer, "Bronchitis"],
      [older, "Asthma"],
    ]);
    const audit = await auditRowsFor(db(), [appointment.id], "patient_record.viewed");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: asDoctor.id, patientId: patient.id });
  });

  it("is refused to the patient in their own room", async () => {
    const { appointment, asPatient } = await makeConsultation(db());
    const access = await getRoomAccess(db(), asPatient, appointment.id, NOW);
    expect(await rejectionOf(readPatientRecord(db(), asPatient, access, { now: NOW }))).toBeInstanceOf(ForbiddenError);
    expect(await auditRowsFor(db(), [appointment.id], "patient_record.viewed")).toHaveLength(0);
  });
});
