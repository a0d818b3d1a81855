import { and, asc, eq, gt, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appointments, auditEvents, sessions, users } from "~db/schema";
import { createAccount } from "~/features/accounts/create-account.server";
import { exportAuditCsv } from "~/features/audit/export-audit.server";
import { sealAuditTrail } from "~/features/audit/record-audit.server";
import { verifyAuditChain } from "~/features/audit/verify-chain.server";
import { changePassword } from "~/features/auth/change-password.server";
import { endSession, startSession } from "~/features/auth/session.server";
import { signIn } from "~/features/auth/sign-in.server";
import { readAppointment } from "~/features/booking/appointment-access.server";
import { bookAppointment } from "~/features/booking/book-appointment.server";
import { cancelAppointment, rescheduleAppointment } from "~/features/booking/change-appointment.server";
import { saveClinicSettings } from "~/features/booking/clinic-settings.server";
import { addAddendum, openNote, saveNoteDraft, signNote } from "~/features/consult-notes/notes.server";
import { issueJoinCredentials } from "~/features/consultation/issue-token.server";
import { changeRoomState } from "~/features/consultation/room.server";
import { joinTickets, p2pProvider } from "~/features/consultation/video/p2p.server";
import { LIMITS, PLAIN_COOKIES } from "../helpers/config";
import { at, giveHours, NOW } from "../helpers/booking";
import { makeConsultation } from "../helpers/consult-fixtures";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor, makeUser, TEST_PASSWORD } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

/** Words a person typed that must never reach the trail. */
const REASON = "Blurred vision since the fall on Tuesday";
const SYMPTOMS = "Headache behind the left eye";
const CANCEL_REASON = "My daughter cannot drive me that day";
const NOTE = "Suspect retinal detachment, refer urgently";
const ADDENDUM = "Called the patient back at 18:00";
const UNKNOWN_EMAIL = "nobody-here@elsewhere.example";
const NEW_PASSWORD = "a brand new long passphrase";
const TYPED = [REASON, SYMPTOMS, CANCEL_REASON, NOTE, ADDENDUM, UNKNOWN_EMAIL, TEST_PASSWORD, NEW_PASSWORD, "wrong password"];
const FROM = "198.51.100.23";
const where = { clientAddress: FROM };

/** The rows written after `since` (a chain position), in chain order, once linked into the chain. */
async function rowsSince(since: number) {
  await sealAuditTrail(db());
  return db().select().from(auditEvents).where(gt(auditEvents.seq, since)).orderBy(asc(auditEvents.seq));
}
/** The chain position of the newest row (the trail is never emptied between tests). */
async function head() {
  await sealAuditTrail(db());
  const [row] = await db().select({ seq: sql<string>`coalesce(max(${auditEvents.seq}), 0)` }).from(auditEvents);
  return Number(row!.seq);
}

/** Every field of who, what, when and where, and nothing a person typed. */
function expectWellFormed(row: typeof auditEvents.$inferSelect) {
  expect(row.at).toBeInstanceOf(Date);
  expect(Math.abs(row.at.getTime() - Date.now())).toBeLessThan(5 * 60_000);
  expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
  const text = JSON.stringify(row).toLowerCase();
  for (const word of TYPED) expect(text, `${row.action} carries "${word}"`).not.toContain(word.toLowerCase());
}

describe("the audit trail's coverage", () => {
  it("records sign-in success and failure, sign-out and password changes, with who, role and where", async () => {
    const patient = await makeUser(db(), "patient");
    const since = await head();

    const wrong = await signIn(db(), { email: patient.email, password: "wrong password", clientAddress: FROM }, LIMITS);
    expect(wrong).toEqual({ ok: false, reason: "invalid" });
    await signIn(db(), { email: UNKNOWN_EMAIL, password: "wrong password", clientAddress: FROM }, LIMITS);
    const right = await signIn(db(), { email: patient.email, password: TEST_PASSWORD, clientAddress: FROM }, LIMITS);
    expect(right.ok).toBe(true);
    const cookie = (await startSession(db(), patient.id, null, "password", { ...where, ...PLAIN_COOKIES })).split(";")[0]!;
    const [{ sessionId }] = (await db().select({ sessionId: sessions.id }).from(sessions).where(eq(sessions.userId, patient.id))) as [{ sessionId: string }];
    expect(await changePassword(db(), { id: patient.id, email: patient.email, sessionId }, { currentPassword: "wrong password", newPassword: NEW_PASSWORD }, where)).toBe("wrong_password");
    expect(await changePassword(db(), { id: patient.id, email: patient.email, sessionId }, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }, where)).toBe("changed");
    await endSession(db(), cookie, { ...where, ...PLAIN_COOKIES });
    await endSession(db(), cookie, { ...where, ...PLAIN_COOKIES }); // an ended session ends nothing more, and writes nothing

    const rows = await rowsSince(since);
    const self = { actorId: patient.id, actorRole: "patient", entityType: "user", entityId: patient.id, patientId: patient.id, clientAddress: FROM };
    expect(rows.map(({ action, actorId, actorRole, entityType, entityId, patientId, clientAddress, detail }) => ({ action, actorId, actorRole, entityType, entityId, patientId, clientAddress, detail }))).toEqual([
      { action: "auth.sign_in_failed", actorId: null, actorRole: null, entityType: "user", entityId: patient.id, patientId: patient.id, clientAddress: FROM, detail: {} },
      {
        action: "auth.sign_in_failed",
        actorId: null,
        actorRole: null,
        entityType: "user",
        entityId: "unknown",
        patientId: null,
        clientAddress: FROM,
        detail: { emailSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
      { action: "auth.signed_in", ...self, detail: {} },
      { action: "auth.password_change_failed", ...self, detail: {} },
      { action: "auth.password_changed", ...self, detail: {} },
      { action: "auth.signed_out", ...self, detail: {} },
    ]);
    rows.forEach(expectWellFormed);
  });

  it("records a two-step sign-in once its second step is done, and a deactivated account's attempt", async () => {
    const doctor = await makeUser(db(), "staff");
    const since = await head();
    await startSession(db(), doctor.id, null, "awaiting_second_factor", { ...where, ...PLAIN_COOKIES }); // the password step: nobody is signed in yet
    const cookie = (await startSession(db(), doctor.id, null, "second_factor", { ...where, ...PLAIN_COOKIES })).split(";")[0]!;
    await db().update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, doctor.id));
    expect(await signIn(db(), { email: doctor.email, password: TEST_PASSWORD, clientAddress: FROM }, LIMITS)).toEqual({ ok: false, reason: "deactivated" });
    const rows = await rowsSince(since);
    expect(rows.map((r) => [r.action, r.actorId, r.actorRole, r.entityId, r.clientAddress, r.detail])).toEqual([
      ["auth.signed_in", doctor.id, "staff", doctor.id, FROM, { secondFactor: true }],
      ["auth.sign_in_failed", null, null, doctor.id, FROM, { reason: "deactivated" }],
    ]);
    expect(cookie).toBeTruthy();
  });

  it("records accounts created by an admin and by registration, with the new role", async () => {
    const admin = await makeUser(db(), "admin");
    const since = await head();
    const staff = await createAccount(db(), { email: "new.staff@test.example", password: TEST_PASSWORD, displayName: "New Staff", role: "staff" }, undefined, {
      actorId: admin.id,
      clientAddress: FROM,
      via: "admin_users",
    });
    const patient = await createAccount(db(), { email: "new.patient@test.example", password: TEST_PASSWORD, displayName: "New Patient", role: "patient" }, undefined, {
      actorId: "self",
      clientAddress: FROM,
      via: "registration",
    });
    const rows = await rowsSince(since);
    expect(rows.map((r) => [r.action, r.actorId, r.actorRole, r.entityId, r.patientId, r.clientAddress, r.detail])).toEqual([
      ["account.created", admin.id, "admin", staff.userId, null, FROM, { role: "staff", via: "admin_users" }],
      ["account.created", patient.userId, "patient", patient.userId, patient.userId, FROM, { role: "patient", via: "registration" }],
    ]);
    // Written in the account's own transaction: the same now().
    const [created] = await db().select({ createdAt: users.createdAt }).from(users).where(eq(users.id, staff.userId));
    expect(rows[0]!.at).toEqual(created!.createdAt);
    rows.forEach(expectWellFormed);
  });

  it("records clinic settings changes: which settings, from what to what", async () => {
    const admin = await makeUser(db(), "admin");
    const since = await head();
    const settings = { nameZh: "云诊", nameEn: "Yunzhen", timeZone: "Asia/Shanghai", minNoticeMinutes: 30, bookingHorizonDays: 28, cancellationCutoffMinutes: 120 };
    await saveClinicSettings(db(), settings, { actor: { id: admin.id, role: "admin" }, clientAddress: FROM });
    const [row] = await rowsSince(since);
    expect(row).toMatchObject({
      action: "clinic.settings_changed",
      actorId: admin.id,
      actorRole: "admin",
      entityType: "clinic_settings",
      entityId: "1",
      clientAddress: FROM,
      detail: { changed: { minNoticeMinutes: { from: 60, to: 30 }, nameZh: expect.any(Object), nameEn: expect.any(Object) } },
    });
    expect(Object.keys((row!.detail as { changed: object }).changed)).not.toContain("timeZone");
  });

  it("records booking, reschedule and cancellation in their transactions, never the reasons given", async () => {
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const patient = await makeUser(db());
    const staff = await makeUser(db(), "staff");
    const since = await head();
    const asPatient = { id: patient.id, role: "patient" } as const;
    const { appointmentId } = await bookAppointment(
      db(),
      { patientId: patient.id, doctorId: doctor.id, startsAt: at("09:00"), reason: REASON, symptoms: SYMPTOMS, idempotencyKey: crypto.randomUUID() },
      NOW,
      where,
    );
    await rescheduleAppointment(db(), asPatient, { appointmentId, startsAt: at("10:00") }, NOW, where);
    await cancelAppointment(db(), { id: staff.id, role: "staff" }, { appointmentId, reason: CANCEL_REASON }, NOW, where);

    const rows = await rowsSince(since);
    expect(rows.map((r) => [r.action, r.actorId, r.actorRole, r.entityType, r.entityId, r.patientId, r.clientAddress])).toEqual([
      ["appointment.booked", patient.id, "patient", "appointment", appointmentId, patient.id, FROM],
      ["appointment.rescheduled", patient.id, "patient", "appointment", appointmentId, patient.id, FROM],
      ["appointment.cancelled", staff.id, "staff", "appointment", appointmentId, patient.id, FROM],
    ]);
    expect(rows[0]!.detail).toEqual({ doctorId: doctor.id, startsAt: at("09:00").toISOString() });
    expect(rows[1]!.detail).toEqual({ from: at("09:00").toISOString(), to: at("10:00").toISOString() });
    const [appointment] = await db().select({ createdAt: appointments.createdAt }).from(appointments).where(eq(appointments.id, appointmentId));
    expect(rows[0]!.at).toEqual(appointment!.createdAt);
    rows.forEach(expectWellFormed);
  });

  it("writes no booking row for a booking refused or repeated", async () => {
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const [first, second] = [await makeUser(db()), await makeUser(db())];
    const key = crypto.randomUUID();
    const book = (patientId: string, idempotencyKey: string) =>
      bookAppointment(db(), { patientId, doctorId: doctor.id, startsAt: at("09:00"), reason: REASON, symptoms: "", idempotencyKey }, NOW, where);
    const since = await head();
    await book(first.id, key);
    await book(first.id, key); // the same form again
    await book(second.id, crypto.randomUUID()).catch(() => null); // taken
    expect((await rowsSince(since)).map((r) => [r.action, r.actorId])).toEqual([["appointment.booked", first.id]]);
  });

  it("records check-in, admit, end, no-show, token issue and every step of the note, with the patient concerned", async () => {
    const { appointment, patient, asPatient, asDoctor } = await makeConsultation(db());
    const missed = await makeConsultation(db(), { start: "10:00" });
    const staff = await makeUser(db(), "staff");
    const since = await head();
    const fields = { subjective: NOTE, objective: "", assessment: "", plan: "", diagnosis: "", advice: "" };
    const ctx = (time: string) => ({ now: at(time), clientAddress: FROM });
    const provider = p2pProvider({ tickets: joinTickets("x".repeat(32)), iceServers: [] });

    await changeRoomState(db(), asPatient, appointment.id, "checkIn", ctx("08:50"));
    await issueJoinCredentials(db(), asPatient, appointment.id, { ...ctx("08:51"), provider });
    await changeRoomState(db(), asDoctor, appointment.id, "admit", ctx("09:00"));
    await openNote(db(), asDoctor, appointment.id, ctx("09:01"));
    await saveNoteDraft(db(), asDoctor, appointment.id, { fields, baseVersion: 0 }, ctx("09:02"));
    await changeRoomState(db(), asDoctor, appointment.id, "end", ctx("09:20"));
    await signNote(db(), asDoctor, appointment.id, 1, ctx("09:21"));
    await addAddendum(db(), asDoctor, appointment.id, ADDENDUM, ctx("09:22"));
    await changeRoomState(db(), { id: staff.id, role: "staff" }, missed.appointment.id, "noShow", ctx("10:15"));

    const rows = await rowsSince(since);
    expect(rows.map((r) => [r.action, r.actorRole, r.entityType, r.patientId, r.clientAddress])).toEqual([
      ["appointment.checked_in", "patient", "appointment", patient.id, FROM],
      ["video.token_issued", "patient", "consultation", patient.id, FROM],
      ["appointment.admitted", "doctor", "appointment", patient.id, FROM],
      ["note.viewed", "doctor", "consult_note", patient.id, FROM],
      ["note.edited", "doctor", "consult_note", patient.id, FROM],
      ["appointment.ended", "doctor", "appointment", patient.id, FROM],
      ["note.signed", "doctor", "consult_note", patient.id, FROM],
      ["note.amended", "doctor", "consult_note", patient.id, FROM],
      ["appointment.no_show", "staff", "appointment", missed.patient.id, FROM],
    ]);
    expect(rows.slice(0, 8).every((r) => r.entityId === appointment.id)).toBe(true);
    rows.forEach(expectWellFormed);
  });

  it("records staff and admins reading a patient's reason and symptoms, but not the patient or doctor", async () => {
    const { appointment, patient, asPatient, asDoctor } = await makeConsultation(db());
    await db().update(appointments).set({ reason: REASON, symptoms: SYMPTOMS }).where(eq(appointments.id, appointment.id));
    const [staff, admin] = [await makeUser(db(), "staff"), await makeUser(db(), "admin")];
    const since = await head();
    await readAppointment(db(), asPatient, appointment.id, where);
    await readAppointment(db(), asDoctor, appointment.id, where);
    const read = await readAppointment(db(), { id: staff.id, role: "staff" }, appointment.id, where);
    expect(read.reason).toBe(REASON);
    await readAppointment(db(), { id: admin.id, role: "admin" }, appointment.id, where);
    const rows = await rowsSince(since);
    expect(rows.map((r) => [r.action, r.actorId, r.actorRole, r.entityId, r.patientId, r.clientAddress, r.detail])).toEqual([
      ["appointment.details_viewed", staff.id, "staff", appointment.id, patient.id, FROM, { fields: ["reason", "symptoms"] }],
      ["appointment.details_viewed", admin.id, "admin", appointment.id, patient.id, FROM, { fields: ["reason", "symptoms"] }],
    ]);
    rows.forEach(expectWellFormed);
  });

  it("records the audit export itself, with its filter, and the file holds the rows the filter selects", async () => {
    const [admin, patient] = [await makeUser(db(), "admin"), await makeUser(db())];
    await signIn(db(), { email: patient.email, password: "wrong password", clientAddress: FROM }, LIMITS);
    const stream = await exportAuditCsv(db(), { patientId: patient.id }, { actor: { id: admin.id, role: "admin" }, clientAddress: FROM });
    const csv = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer());
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("\uFEFFseq,time_utc,actor_id,actor_name,actor_role,action,entity_type,entity_id,patient_id,patient_name,client_address,detail,hash");
    expect(lines.slice(1).map((l) => l.split(",")[5])).toEqual(["auth.sign_in_failed"]);

    const [exported] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "audit.exported"), eq(auditEvents.actorId, admin.id)));
    expect(exported).toMatchObject({
      actorRole: "admin",
      entityType: "audit_trail",
      clientAddress: FROM,
      detail: { filter: { patientId: patient.id, actorId: null, action: null, from: null, until: null } },
    });
  });

  it("leaves a trail that verifies after all of the above", async () => {
    expect((await verifyAuditChain(db())).ok).toBe(true);
  });
});
