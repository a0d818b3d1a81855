import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { formatTimeOfDay, localDateOf, localMinutesOf } from "~/utils/zoned-time";
import { client, doctorSlotStarts } from "./http";
import { demoAdmin } from "./second-factor";

type Client = ReturnType<typeof client>;

/**
 * The clinic's time zone in end-to-end runs: Asia/Shanghai, or `YZ_TEST_CLINIC_ZONE` (CI runs the room
 * suites once as a clinic in America/New_York on the day its clocks skip an hour).
 */
export const CLINIC_ZONE = process.env.YZ_TEST_CLINIC_ZONE ?? "Asia/Shanghai";

const DOCTOR_PASSWORD = "a good long password";
const unique = () => randomBytes(4).toString("hex");

/**
 * A doctor of the test's own, created by the admin at /admin/users and signed in: no hours, no
 * appointments, no room shared with the demo hospital or another test, whatever the hour. In the last
 * department, so that the directory's first doctors stay the demo hospital's.
 */
export async function makeTestDoctor(baseURL: string) {
  const admin = await demoAdmin(baseURL);
  const form = await (await admin.get("/admin/users")).text();
  const departmentId = [...form.matchAll(/<option value="([0-9a-f-]{36})">/g)].at(-1)![1]!;
  const name = `Test doctor ${unique()}`;
  const email = `doctor-${unique()}@test.example`;
  const created = await admin.post("/admin/users", {
    role: "doctor",
    email,
    password: DOCTOR_PASSWORD,
    fullName: name,
    nameEn: name,
    departmentId,
    title: "attending",
  });
  expect(created.status).toBe(200);
  const doctor = client(baseURL);
  await doctor.signIn(email, DOCTOR_PASSWORD);
  const hours = await (await doctor.get("/doctor/availability")).text();
  const id = /data-doctor-id="([0-9a-f-]{36})"/.exec(hours)![1]!;
  return { id, email, password: DOCTOR_PASSWORD, client: doctor };
}

/** The clinic schedule's day view of the day an appointment starts on, in the clinic (near midnight, not today). */
export const boardOf = (room: { startsAt: string }) => `/clinic/schedule?date=${localDateOf(new Date(room.startsAt), CLINIC_ZONE)}`;

/** Extra hours of the signed-in doctor, in five-minute slots, from `start` for `minutes` (it may cross midnight). */
export async function addExtraHours(doctor: Client, start: Date, minutes: number) {
  const end = new Date(start.getTime() + minutes * 60_000);
  const response = await doctor.post("/doctor/availability", {
    intent: "addExtra",
    startDate: localDateOf(start, CLINIC_ZONE),
    endDate: localDateOf(end, CLINIC_ZONE),
    startTime: formatTimeOfDay(localMinutesOf(start, CLINIC_ZONE)),
    endTime: formatTimeOfDay(localMinutesOf(end, CLINIC_ZONE)),
    slotMinutes: "5",
    note: "",
  });
  expect(response.status).toBe(200);
}

/** Books the first free slot of a doctor that `accept` takes; returns the appointment's id and start. */
export async function bookFirstSlot(
  baseURL: string,
  patient: Client,
  doctorId: string,
  accept: (start: Date) => boolean,
  reason = "Cough and fever for three days",
) {
  for (const startIso of (await doctorSlotStarts(baseURL, doctorId)).filter((s) => accept(new Date(s)))) {
    const response = await patient.post(`/doctors/${doctorId}/book?start=${encodeURIComponent(startIso)}`, {
      start: startIso,
      reason,
      symptoms: "",
      idempotencyKey: crypto.randomUUID(),
    });
    if (response.status === 302) {
      return { appointmentId: response.headers.get("Location")!.match(/appointments\/([0-9a-f-]{36})/)![1]!, startsAt: startIso };
    }
  }
  throw new Error("no slot the test could take was free");
}

/**
 * The clinic's settings as the admin saves them at /admin/settings: the run's clinic zone, a 28-day
 * horizon, no cancellation cutoff, and the notice given (the end-to-end files share one server).
 */
export async function setClinicSettings(baseURL: string, { minNoticeMinutes }: { minNoticeMinutes: number }) {
  const admin = await demoAdmin(baseURL);
  const settings = await admin.post("/admin/settings", {
    nameZh: "云诊 · 省人民医院互联网医院",
    nameEn: "Yunzhen · Provincial People's Hospital Online Clinic",
    timeZone: CLINIC_ZONE,
    minNoticeMinutes: String(minNoticeMinutes),
    bookingHorizonDays: "28",
    cancellationCutoffMinutes: "0",
  });
  expect(settings.status).toBe(200);
}

/**
 * A consultation whose room is open now, made the way the clinic would: the admin allows booking without
 * notice, a new doctor of the test's own adds a session around now, and a new patient books its first
 * free slot (a room opens 15 minutes before its start). `newPatient` names the new patient and the
 * reason they give (defaults: a generic name, a cough).
 */
export async function openConsultation(baseURL: string, newPatient: { fullName?: string; reason?: string } = {}) {
  await setClinicSettings(baseURL, { minNoticeMinutes: 0 });

  const doctor = await makeTestDoctor(baseURL);
  const step = 5 * 60_000;
  await addExtraHours(doctor.client, new Date(Math.floor(Date.now() / step) * step - step), 60);
  const patientEmail = `room-${unique()}@test.example`;
  const patient = client(baseURL);
  await patient.register(patientEmail, undefined, newPatient.fullName);
  const booked = await bookFirstSlot(baseURL, patient, doctor.id, (start) => start.getTime() <= Date.now() + 14 * 60_000, newPatient.reason);
  return {
    ...booked,
    doctorId: doctor.id,
    doctorEmail: doctor.email,
    doctorPassword: doctor.password,
    patientEmail,
    patientPassword: "a good long password",
    patient,
    doctor: doctor.client,
  };
}
