import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { joinLinks, sessions } from "~db/schema";
import { authenticate, hashToken, startJoinSession } from "~/features/auth/session.server";
import { bookAppointment } from "~/features/booking/book-appointment.server";
import { cancelAppointment, rescheduleAppointment } from "~/features/booking/change-appointment.server";
import { createJoinLink, JoinLinkNotOpenError, openJoinLink } from "~/features/consultation/join-links.server";
import { NotFoundError } from "~/utils/errors";
import { at, giveHours, NOW } from "../helpers/booking";
import { PLAIN_COOKIES } from "../helpers/config";
import { auditRowsFor } from "../helpers/consult-fixtures";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor, makeUser } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;
const where = { clientAddress: "203.0.113.9" };
const limit = () => ({ key: `join-link:test:${crypto.randomUUID()}`, max: 100, windowSeconds: 60 });
const opening = () => ({ ...where, limit: limit() });

/** A patient's 09:00–09:30 appointment on the test Monday: its room opens at 08:45. */
async function booked() {
  const doctor = await makeDoctor(db());
  await giveHours(db(), doctor.id);
  const patient = await makeUser(db());
  const request = { patientId: patient.id, doctorId: doctor.id, startsAt: at("09:00"), reason: "Cough", symptoms: "", idempotencyKey: crypto.randomUUID() };
  const { appointmentId } = await bookAppointment(db(), request, NOW);
  return { appointmentId, patient: { id: patient.id, role: "patient" as const } };
}

const rejection = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error);

describe("personal join links", () => {
  it("keep only the token's hash, and record who made one", async () => {
    const { appointmentId, patient } = await booked();
    const token = await createJoinLink(db(), patient, appointmentId, where);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await db().select().from(joinLinks).where(eq(joinLinks.appointmentId, appointmentId));
    expect(rows.map((r) => r.tokenHash)).toEqual([hashToken(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await auditRowsFor(db(), [appointmentId], "join_link.created")).toHaveLength(1);
  });

  it("open the room only inside its window, and say when it opens; the refusal is audited", async () => {
    const { appointmentId, patient } = await booked();
    const token = await createJoinLink(db(), patient, appointmentId, where);
    const early = await rejection(openJoinLink(db(), token, opening(), at("08:44")));
    expect(early).toBeInstanceOf(JoinLinkNotOpenError);
    expect((early as JoinLinkNotOpenError).opensAt).toEqual(at("08:45"));
    expect(await openJoinLink(db(), token, opening(), at("08:45"))).toEqual({ appointmentId, patientId: patient.id });
    expect(await auditRowsFor(db(), [appointmentId], "join_link.refused")).toHaveLength(1);
  });

  it("start a session that knows only its appointment, and record the link's use", async () => {
    const { appointmentId, patient } = await booked();
    const cookie = await startJoinSession(db(), { appointmentId, patientId: patient.id }, null, { ...PLAIN_COOKIES, ...where });
    const auth = await authenticate(db(), cookie.split(";")[0], PLAIN_COOKIES);
    expect(auth.user).toMatchObject({ id: patient.id, onlyAppointmentId: appointmentId });
    expect(await auditRowsFor(db(), [appointmentId], "join_link.used")).toHaveLength(1);
  });

  it("stop working, and end the sessions they opened, when the appointment moves or is cancelled", async () => {
    const { appointmentId, patient } = await booked();
    const first = await createJoinLink(db(), patient, appointmentId, where);
    await startJoinSession(db(), { appointmentId, patientId: patient.id }, null, { ...PLAIN_COOKIES, ...where });
    await rescheduleAppointment(db(), patient, { appointmentId, startsAt: at("10:30") }, NOW);
    expect(await rejection(openJoinLink(db(), first, opening(), at("10:20")))).toBeInstanceOf(NotFoundError);
    expect(await db().select().from(sessions).where(eq(sessions.appointmentId, appointmentId))).toEqual([]);

    // A new link works at the new time, until the cancellation.
    const second = await createJoinLink(db(), patient, appointmentId, where);
    expect(await openJoinLink(db(), second, opening(), at("10:20"))).toMatchObject({ appointmentId });
    await cancelAppointment(db(), patient, { appointmentId, reason: "Better" }, NOW, where);
    expect(await rejection(openJoinLink(db(), second, opening(), at("10:20")))).toBeInstanceOf(NotFoundError);
    expect(await rejection(createJoinLink(db(), patient, appointmentId, where))).toMatchObject({ status: 409 });
  });

  it("are made by the appointment's own patient only: anyone else is told it does not exist", async () => {
    const { appointmentId } = await booked();
    const stranger = await makeUser(db());
    expect(await rejection(createJoinLink(db(), { id: stranger.id, role: "patient" }, appointmentId, where))).toBeInstanceOf(NotFoundError);
  });

  it("refuse a made-up or malformed token the same way as a revoked one", async () => {
    for (const token of ["A".repeat(43), "short", "../../etc/passwd"]) {
      expect(await rejection(openJoinLink(db(), token, opening(), NOW))).toBeInstanceOf(NotFoundError);
    }
  });
});
