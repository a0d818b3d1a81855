import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { DEMO_PASSWORD } from "~db/demo-hospital";
import { formatTimeOfDay, localDateOf, localMinutesOf } from "~/utils/zoned-time";
import { client, doctorSlotStarts } from "./http";
import { demoAdmin } from "./second-factor";

const CLINIC_ZONE = "Asia/Shanghai";

/**
 * A consultation whose room is open now, made the way the clinic would: the admin allows booking without
 * notice, the doctor adds an extra session around now, and a new patient books its first free slot.
 * `newPatient` names the new patient and the reason they give (defaults: a generic name, a cough).
 */
export async function openConsultation(baseURL: string, doctorEmail: string, newPatient: { fullName?: string; reason?: string } = {}) {
  const admin = await demoAdmin(baseURL);
  const settings = await admin.post("/admin/settings", {
    nameZh: "云诊 · 省人民医院互联网医院",
    nameEn: "Yunzhen · Provincial People's Hospital Online Clinic",
    timeZone: CLINIC_ZONE,
    minNoticeMinutes: "0",
    bookingHorizonDays: "28",
    cancellationCutoffMinutes: "0",
  });
  expect(settings.status).toBe(200);

  const doctor = client(baseURL);
  await doctor.signIn(doctorEmail, DEMO_PASSWORD);
  const step = 5 * 60_000;
  const start = new Date(Math.floor(Date.now() / step) * step - step);
  const end = new Date(start.getTime() + 60 * 60_000);
  const session = await doctor.post("/doctor/availability", {
    intent: "addExtra",
    startDate: localDateOf(start, CLINIC_ZONE),
    endDate: localDateOf(end, CLINIC_ZONE),
    startTime: formatTimeOfDay(localMinutesOf(start, CLINIC_ZONE)),
    endTime: formatTimeOfDay(localMinutesOf(end, CLINIC_ZONE)),
    slotMinutes: "5",
    note: "",
  });
  expect(session.status).toBe(200);

  const profile = await (await doctor.get("/doctor/availability")).text();
  const doctorId = /data-doctor-id="([0-9a-f-]{36})"/.exec(profile)![1]!;
  let bookedId: string | null = null;
  let startsAt = "";
  const patientEmail = `room-${randomBytes(4).toString("hex")}@test.example`;
  const patient = client(baseURL);
  await patient.register(patientEmail, undefined, newPatient.fullName);
  {
    const starts = (await doctorSlotStarts(baseURL, doctorId)).filter(
      // The room opens 15 minutes before the start.
      (s) => new Date(s).getTime() <= Date.now() + 14 * 60_000,
    );
    for (const startIso of starts) {
      const response = await patient.post(`/doctors/${doctorId}/book?start=${encodeURIComponent(startIso)}`, {
        start: startIso,
        reason: newPatient.reason ?? "Cough and fever for three days",
        symptoms: "",
        idempotencyKey: crypto.randomUUID(),
      });
      if (response.status === 302) {
        bookedId = response.headers.get("Location")!.match(/appointments\/([0-9a-f-]{36})/)![1]!;
        startsAt = startIso;
        break;
      }
    }
  }
  expect(bookedId, "a slot starting in the next 14 minutes was booked").toBeTruthy();
  return { appointmentId: bookedId!, startsAt, doctorId, patientEmail, patientPassword: "a good long password", doctorEmail, patient, doctor };
}
