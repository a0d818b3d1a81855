import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { joinLinks, outbox, users } from "~db/schema";
import { saveReminderChannels } from "~/features/accounts/preferences.server";
import { hashToken } from "~/features/auth/session.server";
import { bookAppointment } from "~/features/booking/book-appointment.server";
import { cancelAppointment, rescheduleAppointment } from "~/features/booking/change-appointment.server";
import { saveNoteDraft, signNote } from "~/features/consult-notes/notes.server";
import { EMPTY_NOTE } from "~/features/consult-notes/fields";
import { openJoinLink } from "~/features/consultation/join-links.server";
import { deliverDue, type OutgoingSms, type Transport } from "~/features/notifications/deliver.server";
import { MAX_ATTEMPTS } from "~/features/notifications/message-kinds";
import { smtpSender } from "~/features/notifications/transports.server";
import { at, giveHours } from "../helpers/booking";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor, makeUser } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;
const PUBLIC_URL = "https://clinic.test.example";
const options = { publicUrl: PUBLIC_URL };

/** Saturday noon before the test Monday, in the clinic: 45 hours before a 09:00 appointment. */
const SATURDAY_NOON = at("12:00", "2031-03-01");
const sunday = (time: string) => at(time, "2031-03-02");

/** A real SMTP server on a free port of this machine: every message it accepts, parsed. */
let smtp: SMTPServer;
let received: ParsedMail[] = [];
let email: Transport["email"];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => received.push(mail))
        .then(() => callback(), callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const { port } = smtp.server.address() as AddressInfo;
  email = smtpSender(`smtp://127.0.0.1:${port}`, "Yunzhen Clinic <clinic@test.example>");
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** Mail to one address, oldest first. */
const mailTo = (address: string) => received.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === address);

/** A patient (Chinese unless told) with a booking on the test Monday at `time`, made at `now`. */
async function booked(options: { time?: string; now?: Date; locale?: "zh-CN" | "en" } = {}) {
  const doctor = await makeDoctor(db(), { nameEn: "Li Minghua" });
  await giveHours(db(), doctor.id);
  const patient = await makeUser(db());
  await db().update(users).set({ locale: options.locale ?? "zh-CN" }).where(eq(users.id, patient.id));
  const request = { patientId: patient.id, doctorId: doctor.id, startsAt: at(options.time ?? "09:00"), reason: "Cough and fever", symptoms: "", idempotencyKey: crypto.randomUUID() };
  const { appointmentId } = await bookAppointment(db(), request, options.now ?? SATURDAY_NOON);
  return { appointmentId, doctor, patient, asPatient: { id: patient.id, role: "patient" as const } };
}

const deliver = (now: Date) => deliverDue(db(), now, { email }, options);

const icsOf = (mail: ParsedMail) => mail.attachments.find((a) => a.contentType.startsWith("text/calendar"))?.content.toString("utf8");
const joinTokenIn = (text: string | undefined) => new RegExp(`${PUBLIC_URL}/join/([A-Za-z0-9_-]{43})`).exec(text ?? "")?.[1];

describe("reminders by email", () => {
  it("arrive once each at their instants: the confirmation, 24 hours and 15 minutes before, in Chinese with the .ics", async () => {
    received = [];
    const { appointmentId, patient } = await booked();

    await deliver(SATURDAY_NOON);
    const [confirmation] = mailTo(patient.email);
    expect(mailTo(patient.email)).toHaveLength(1);
    expect(confirmation!.subject).toMatch(/^预约成功：医生Li Minghua 主治医师视频问诊/);
    expect(confirmation!.text).toContain(`${PUBLIC_URL}/appointments/${appointmentId}`);
    expect(icsOf(confirmation!)).toContain(`UID:appointment-${appointmentId}@`);
    expect(icsOf(confirmation!)).toContain("DTSTART:20310303T010000Z");

    // Nothing before the 24-hour reminder's instant, then it alone, once.
    await deliver(sunday("08:59"));
    expect(mailTo(patient.email)).toHaveLength(1);
    await deliver(sunday("09:00"));
    await deliver(sunday("09:00"));
    await deliver(sunday("12:00"));
    expect(mailTo(patient.email)).toHaveLength(2);
    const dayBefore = mailTo(patient.email)[1]!;
    expect(dayBefore.subject).toMatch(/^明天就诊/);
    expect(icsOf(dayBefore)).toContain("STATUS:CONFIRMED");

    // It carries a personal join link of its own: only its hash is kept, and it opens the room.
    const token = joinTokenIn(dayBefore.text);
    expect(token).toBeDefined();
    const [link] = await db().select().from(joinLinks).where(eq(joinLinks.appointmentId, appointmentId));
    expect(link?.tokenHash).toBe(hashToken(token!));
    const limit = { key: `t:${crypto.randomUUID()}`, max: 10, windowSeconds: 60 };
    expect(await openJoinLink(db(), token!, { clientAddress: "203.0.113.1", limit }, at("08:45"))).toMatchObject({ appointmentId });

    await deliver(at("08:44"));
    expect(mailTo(patient.email)).toHaveLength(2);
    await deliver(at("08:45"));
    await deliver(at("09:30"));
    const all = mailTo(patient.email);
    expect(all.map((m) => m.subject!.slice(0, 4))).toEqual(["预约成功", "明天就诊", "15分钟"]);
    expect(joinTokenIn(all[2]!.text)).not.toBe(token); // a fresh link
    expect(icsOf(all[2]!)).toBeDefined();
    const rows = await db().select().from(outbox).where(eq(outbox.appointmentId, appointmentId));
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
  });

  it("speak the language the patient booked in when they never chose one", async () => {
    received = [];
    const doctor = await makeDoctor(db(), { nameEn: "Wang Xiaoyan" });
    await giveHours(db(), doctor.id);
    const patient = await makeUser(db());
    const request = { patientId: patient.id, doctorId: doctor.id, startsAt: at("09:00"), reason: "Cough and fever", symptoms: "", idempotencyKey: crypto.randomUUID() };
    await bookAppointment(db(), request, SATURDAY_NOON, { locale: "en" });
    await deliver(SATURDAY_NOON);
    expect(mailTo(patient.email)[0]?.subject).toMatch(/^Booked: video consultation with Wang Xiaoyan Attending Physician/);
  });

  it("never send what was queued for a cancelled appointment: only the cancellation, which removes it from the calendar", async () => {
    received = [];
    const { appointmentId, patient, asPatient } = await booked();
    await deliver(SATURDAY_NOON);
    await cancelAppointment(db(), asPatient, { appointmentId, reason: "Feeling better" }, at("13:00", "2031-03-01"));
    // Cancelled with the appointment, in its transaction: no worker has looked yet.
    const statuses = await db().select({ kind: outbox.kind, status: outbox.status }).from(outbox).where(eq(outbox.appointmentId, appointmentId));
    expect(statuses.filter((r) => r.kind.startsWith("reminder_")).map((r) => r.status)).toEqual(["cancelled", "cancelled"]);
    for (const now of [at("13:00", "2031-03-01"), sunday("09:00"), at("08:45"), at("09:30")]) await deliver(now);
    const all = mailTo(patient.email);
    expect(all.map((m) => m.subject!.slice(0, 4))).toEqual(["预约成功", "预约已取"]);
    expect(icsOf(all[1]!)).toContain("STATUS:CANCELLED");
    const reminders = await db().select().from(outbox).where(and(eq(outbox.appointmentId, appointmentId), eq(outbox.status, "cancelled")));
    expect(reminders.map((r) => [r.kind, r.lastError]).sort()).toEqual([
      ["reminder_15m", "appointment_cancelled"],
      ["reminder_24h", "appointment_cancelled"],
    ]);
  });

  it("follow a move: the old times never fire, the new ones do, after the notice", async () => {
    received = [];
    const { appointmentId, patient, asPatient } = await booked();
    await deliver(SATURDAY_NOON);
    await rescheduleAppointment(db(), asPatient, { appointmentId, startsAt: at("10:30") }, at("13:00", "2031-03-01"));
    const queued = await db().select().from(outbox).where(eq(outbox.appointmentId, appointmentId));
    const reminders = queued.filter((r) => r.kind.startsWith("reminder_")).map((r) => [r.kind, r.status, r.lastError, r.sendAt.toISOString()]);
    expect(reminders.sort()).toEqual([
      ["reminder_15m", "cancelled", "appointment_moved", at("08:45").toISOString()],
      ["reminder_15m", "pending", null, at("10:15").toISOString()],
      ["reminder_24h", "cancelled", "appointment_moved", sunday("09:00").toISOString()],
      ["reminder_24h", "pending", null, sunday("10:30").toISOString()],
    ]);
    await deliver(at("13:00", "2031-03-01"));
    await deliver(sunday("09:00"));
    expect(mailTo(patient.email).map((m) => m.subject!.slice(0, 5))).toEqual(["预约成功：", "预约已改期"]);
    await deliver(sunday("10:30"));
    await deliver(at("10:15"));
    const all = mailTo(patient.email);
    expect(all.map((m) => m.subject!.slice(0, 4))).toEqual(["预约成功", "预约已改", "明天就诊", "15分钟"]);
    expect(icsOf(all[1]!)).toContain("SEQUENCE:1");
  });

  it("tell the patient when the visit summary is ready, once the doctor signs the note", async () => {
    received = [];
    const { appointmentId, doctor, patient } = await booked();
    const asDoctor = { id: doctor.userId, role: "doctor" as const };
    await saveNoteDraft(db(), asDoctor, appointmentId, { fields: { ...EMPTY_NOTE, diagnosis: "Common cold" }, baseVersion: 0 }, { now: at("09:20") });
    await signNote(db(), asDoctor, appointmentId, 1, { now: at("09:25") });
    await deliver(at("09:25"));
    const last = mailTo(patient.email).at(-1)!;
    expect(last.subject).toMatch(/诊后小结已可查看$/);
    expect(last.text).not.toContain("Common cold"); // never the note itself
    expect(icsOf(last)).toBeUndefined();
  });

  it("are never sent twice by two workers delivering at once", async () => {
    received = [];
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id, { slotMinutes: 15 });
    const patients = [];
    for (let i = 0; i < 10; i++) {
      const patient = await makeUser(db());
      const request = { patientId: patient.id, doctorId: doctor.id, startsAt: at(`${String(9 + Math.floor(i / 4)).padStart(2, "0")}:${String((i % 4) * 15).padStart(2, "0")}`), reason: "Cough and fever", symptoms: "", idempotencyKey: crypto.randomUUID() };
      await bookAppointment(db(), request, SATURDAY_NOON);
      patients.push(patient);
    }
    // At Sunday noon every confirmation and every 24-hour reminder is due: 20 messages, claimed three at a time.
    const slowEmail: Transport["email"] = async (message) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      await email!(message);
    };
    const worker = () => deliverDue(db(), sunday("12:00"), { email: slowEmail }, { ...options, batch: 3 });
    const [first, second] = await Promise.all([worker(), worker()]);
    expect(first.sent + second.sent).toBe(20);
    expect(received).toHaveLength(20);
    expect(new Set(received.map((m) => m.messageId)).size).toBe(20);
    for (const patient of patients) expect(mailTo(patient.email)).toHaveLength(2);
  });
});

describe("the outbox", () => {
  it("queues SMS as well when the patient turned it on, and keeps what no service sends", async () => {
    const { appointmentId, patient } = await booked();
    await saveReminderChannels(db(), patient.id, { notifyEmail: false, notifySms: true, phone: "+8613800138000" }, at("13:00", "2031-03-01"));
    const texts: OutgoingSms[] = [];
    await deliverDue(db(), sunday("09:00"), { sms: async (m) => void texts.push(m) }, options);
    // Email is off now: what waited for it is not sent. The 24-hour reminder goes by SMS.
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ to: "+8613800138000" });
    expect(texts[0]!.body).toMatch(new RegExp(`^【.+】明天.+${PUBLIC_URL}/join/`));
    const rows = await db().select().from(outbox).where(eq(outbox.appointmentId, appointmentId));
    const byKey = Object.fromEntries(rows.map((r) => [`${r.kind}/${r.channel}`, [r.status, r.lastError]]));
    expect(byKey).toEqual({
      "booking_confirmed/email": ["cancelled", "channel_off"],
      "reminder_24h/email": ["cancelled", "channel_off"],
      "reminder_15m/email": ["pending", null],
      "reminder_24h/sms": ["sent", null],
      "reminder_15m/sms": ["pending", null],
    });
  });

  it("keeps a message in the outbox, with its address and subject, when its channel has no service", async () => {
    const { appointmentId, patient } = await booked();
    expect(await deliverDue(db(), SATURDAY_NOON, {}, options)).toMatchObject({ held: 1 });
    const [row] = await db().select().from(outbox).where(and(eq(outbox.appointmentId, appointmentId), eq(outbox.kind, "booking_confirmed")));
    expect(row).toMatchObject({ status: "held", recipient: patient.email, attempts: 1 });
    expect(row!.subject).toMatch(/^预约成功/);
    // A message kept here made no join link: nobody could receive it.
    await deliverDue(db(), sunday("09:00"), {}, options);
    expect(await db().select().from(joinLinks).where(eq(joinLinks.appointmentId, appointmentId))).toEqual([]);
  });

  it("retries a failed send later and later, then gives up and shows it failed", async () => {
    const { appointmentId } = await booked();
    const failing: Transport = { email: () => Promise.reject(new Error("421 try again later")) };
    let now = SATURDAY_NOON;
    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await deliverDue(db(), now, failing, options);
      const [row] = await db().select().from(outbox).where(and(eq(outbox.appointmentId, appointmentId), eq(outbox.kind, "booking_confirmed")));
      expect(row).toMatchObject({ attempts: attempt, lastError: "421 try again later" });
      if (attempt === MAX_ATTEMPTS) {
        expect(row!.status).toBe("failed");
        break;
      }
      expect(row!.status).toBe("pending");
      waits.push((row!.nextAttemptAt.getTime() - now.getTime()) / 60_000);
      // Not before its time.
      await deliverDue(db(), new Date(row!.nextAttemptAt.getTime() - 1), failing, options);
      expect((await db().select().from(outbox).where(eq(outbox.id, row!.id)))[0]!.attempts).toBe(attempt);
      now = row!.nextAttemptAt;
    }
    expect(waits).toEqual([1, 2, 4, 8, 16]);
  });
});
