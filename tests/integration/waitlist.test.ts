import { and, eq, ne } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appointments, auditEvents, outbox, waitlistOffers, waitlistRequests } from "~db/schema";
import { freeSlotsOfDoctor } from "~/features/booking/availability.server";
import { bookAppointment } from "~/features/booking/book-appointment.server";
import { cancelAppointment, rescheduleAppointment } from "~/features/booking/change-appointment.server";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { addException } from "~/features/booking/manage-availability.server";
import { loadClinicDay } from "~/features/clinic-schedule/schedule.server";
import { deliverDue, type OutgoingEmail } from "~/features/notifications/deliver.server";
import { acceptOffer, declineOffer, joinWaitlist, patientWaitlist, sweepLapsedOffers } from "~/features/waitlist/waitlist.server";
import { ConflictError, InvalidRequestError } from "~/utils/errors";
import { at, CLINIC_ZONE, giveHours, MONDAY, NOW } from "../helpers/booking";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor, makeUser } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

const MINUTE = 60_000;
const later = (minutes: number, from = NOW) => new Date(from.getTime() + minutes * MINUTE);
const REASON = "Cough and fever for three days";

async function settle<T>(promise: Promise<T>) {
  try {
    return { ok: true as const, value: await promise };
  } catch (error) {
    return { ok: false as const, error };
  }
}

/**
 * A doctor with Monday morning hours, a patient holding 09:30, and two patients waiting for Monday (the
 * first asked a minute before the second).
 */
async function twoWaitingAndOneBooked() {
  const doctor = await makeDoctor(db());
  await giveHours(db(), doctor.id);
  const [holder, first, second] = [await makeUser(db()), await makeUser(db()), await makeUser(db())];
  const booked = await bookAppointment(
    db(),
    { patientId: holder.id, doctorId: doctor.id, startsAt: at("09:30"), reason: REASON, symptoms: "", idempotencyKey: crypto.randomUUID() },
    NOW,
  );
  const range = { doctorId: doctor.id, from: MONDAY, to: MONDAY, reason: REASON, timeZone: CLINIC_ZONE };
  await joinWaitlist(db(), first.id, range, later(1));
  await joinWaitlist(db(), second.id, range, later(2));
  return { doctor, holder, first, second, appointmentId: booked.appointmentId };
}

const offersOf = (patientId: string) => db().select().from(waitlistOffers).where(eq(waitlistOffers.patientId, patientId));
const liveAt = async (doctorId: string, start: Date) =>
  db()
    .select()
    .from(appointments)
    .where(and(eq(appointments.doctorId, doctorId), eq(appointments.startsAt, start), ne(appointments.status, "cancelled")));

describe("waitlist", () => {
  it("offers a cancelled time to the first patient waiting, holds it for 15 minutes and tells them by the outbox", async () => {
    const { doctor, holder, first, second, appointmentId } = await twoWaitingAndOneBooked();
    const cancelledAt = later(10);
    await cancelAppointment(db(), { id: holder.id, role: "patient" }, { appointmentId, reason: "Feeling better" }, cancelledAt);

    const [offer] = await offersOf(first.id);
    expect(offer).toMatchObject({ status: "open", startsAt: at("09:30"), endsAt: at("10:00"), expiresAt: later(15, cancelledAt) });
    expect(await offersOf(second.id)).toHaveLength(0);
    // Held: the time is not among the free slots anyone else sees.
    const policy = await getBookingPolicy(db());
    const free = await freeSlotsOfDoctor(db(), doctor.id, policy, cancelledAt);
    expect(free.map((s) => s.start.getTime())).not.toContain(at("09:30").getTime());
    expect((await patientWaitlist(db(), first.id, cancelledAt)).offers.map((o) => o.id)).toEqual([offer!.id]);

    // The notice goes by the reminder channels, its dedupe key its own (no appointment).
    const [message] = await db().select().from(outbox).where(eq(outbox.offerId, offer!.id));
    expect(message).toMatchObject({ kind: "slot_offered", appointmentId: null, userId: first.id, dedupeKey: `offer:${offer!.id}:slot_offered:email:0` });
    const sent: OutgoingEmail[] = [];
    await deliverDue(db(), cancelledAt, { email: async (m) => void sent.push(m) }, { publicUrl: "https://clinic.example" });
    const notice = sent.find((m) => m.to === first.email);
    expect(notice?.text).toContain("https://clinic.example/appointments");
    expect(notice?.calendar).toBeNull();

    const [made] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "waitlist.offer_made"), eq(auditEvents.entityId, offer!.id)));
    expect(made).toMatchObject({ patientId: first.id, actorId: null });
  });

  it("gives the held time to the offered patient when they and another patient take it at once: exactly one booking", async () => {
    const { doctor, holder, first, second, appointmentId } = await twoWaitingAndOneBooked();
    const cancelledAt = later(10);
    await cancelAppointment(db(), { id: holder.id, role: "patient" }, { appointmentId, reason: "Feeling better" }, cancelledAt);
    const [offer] = await offersOf(first.id);
    const now = later(3, cancelledAt);

    const [taken, other] = await Promise.all([
      settle(acceptOffer(db(), first.id, offer!.id, now)),
      settle(
        bookAppointment(
          db(),
          { patientId: second.id, doctorId: doctor.id, startsAt: at("09:30"), reason: REASON, symptoms: "", idempotencyKey: crypto.randomUUID() },
          now,
        ),
      ),
    ]);
    expect(taken.ok).toBe(true);
    expect(other.ok).toBe(false);
    expect(other.ok ? null : other.error).toBeInstanceOf(ConflictError);
    expect(other.ok ? null : (other.error as ConflictError).messageKey).toBe("booking.slotTaken");
    const rows = await liveAt(doctor.id, at("09:30"));
    expect(rows.map((r) => r.patientId)).toEqual([first.id]);

    const [answered] = await offersOf(first.id);
    expect(answered).toMatchObject({ status: "accepted", appointmentId: rows[0]!.id, answeredAt: now });
    const [request] = await db().select().from(waitlistRequests).where(eq(waitlistRequests.patientId, first.id));
    expect(request!.status).toBe("fulfilled");
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "waitlist.offer_accepted"), eq(auditEvents.entityId, offer!.id)));
    expect(audit).toMatchObject({ actorId: first.id, patientId: first.id });
    // "Take this time" again (a double tap) is refused, not a second booking.
    await expect(acceptOffer(db(), first.id, offer!.id, now)).rejects.toMatchObject({ messageKey: "waitlist.offerGone" });
  });

  it("passes the time to the next patient after 15 minutes without an answer, and lets the first no longer take it", async () => {
    const { doctor, holder, first, second, appointmentId } = await twoWaitingAndOneBooked();
    const cancelledAt = later(10);
    await cancelAppointment(db(), { id: holder.id, role: "patient" }, { appointmentId, reason: "Feeling better" }, cancelledAt);
    const [offer] = await offersOf(first.id);

    expect(await sweepLapsedOffers(db(), later(14, cancelledAt))).toBe(0);
    expect(await offersOf(second.id)).toHaveLength(0);

    // Read lazily: the second patient's page passes the lapsed offer on before it shows theirs.
    const lapsedAt = later(15, cancelledAt);
    const seen = await patientWaitlist(db(), second.id, lapsedAt);
    expect(seen.offers).toHaveLength(1);
    const [lapsed] = await offersOf(first.id);
    expect(lapsed).toMatchObject({ id: offer!.id, status: "lapsed" });
    const [next] = await offersOf(second.id);
    expect(next).toMatchObject({ status: "open", startsAt: at("09:30"), expiresAt: later(15, lapsedAt) });
    expect(await sweepLapsedOffers(db(), lapsedAt)).toBe(0);

    await expect(acceptOffer(db(), first.id, offer!.id, lapsedAt)).rejects.toMatchObject({ messageKey: "waitlist.offerGone" });
    // Nor by the booking form: the time is now held for the second patient.
    const late = await settle(
      bookAppointment(
        db(),
        { patientId: first.id, doctorId: doctor.id, startsAt: at("09:30"), reason: REASON, symptoms: "", idempotencyKey: crypto.randomUUID() },
        later(1, lapsedAt),
      ),
    );
    expect(late.ok ? null : (late.error as ConflictError).messageKey).toBe("booking.slotTaken");

    await acceptOffer(db(), second.id, next!.id, later(2, lapsedAt));
    expect((await liveAt(doctor.id, at("09:30"))).map((r) => r.patientId)).toEqual([second.id]);
    const [lapsedAudit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, "waitlist.offer_lapsed"), eq(auditEvents.entityId, offer!.id)));
    expect(lapsedAudit).toBeDefined();

    // The clinic's day counts both offers and the one taken.
    const day = await loadClinicDay(db(), MONDAY, CLINIC_ZONE, { doctorId: doctor.id });
    expect(day.summary).toMatchObject({ offers: 2, offersTaken: 1 });
  });

  it("passes a declined time to the next patient at once; with nobody left it is free for everyone", async () => {
    const { doctor, holder, first, second, appointmentId } = await twoWaitingAndOneBooked();
    const cancelledAt = later(10);
    await cancelAppointment(db(), { id: holder.id, role: "patient" }, { appointmentId, reason: "Feeling better" }, cancelledAt);
    const [offer] = await offersOf(first.id);
    await declineOffer(db(), first.id, offer!.id, later(1, cancelledAt));
    const [next] = await offersOf(second.id);
    expect(next).toMatchObject({ status: "open", startsAt: at("09:30") });
    await declineOffer(db(), second.id, next!.id, later(2, cancelledAt));
    expect((await db().select().from(waitlistOffers).where(eq(waitlistOffers.status, "open"))).filter((o) => o.doctorId === doctor.id)).toHaveLength(0);
    const policy = await getBookingPolicy(db());
    const free = await freeSlotsOfDoctor(db(), doctor.id, policy, later(3, cancelledAt));
    expect(free.map((s) => s.start.getTime())).toContain(at("09:30").getTime());
    // Both stay on the waitlist for other times.
    const waiting = await db().select().from(waitlistRequests).where(eq(waitlistRequests.doctorId, doctor.id));
    expect(waiting.map((r) => r.status)).toEqual(["waiting", "waiting"]);
    // Each step in the trail, with who and about whom, never the reason typed.
    const trail = await db().select().from(auditEvents).where(eq(auditEvents.patientId, first.id));
    expect(trail.map((row) => row.action)).toEqual(expect.arrayContaining(["waitlist.joined", "waitlist.offer_made", "waitlist.offer_declined"]));
    expect(trail.find((row) => row.action === "waitlist.offer_declined")).toMatchObject({ actorId: first.id, entityId: offer!.id });
    expect(JSON.stringify(trail)).not.toContain(REASON);
  });

  it("offers the time a rescheduled appointment left, never to the patient who moved", async () => {
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const [mover, waiting] = [await makeUser(db()), await makeUser(db())];
    const range = { doctorId: doctor.id, from: MONDAY, to: MONDAY, reason: REASON, timeZone: CLINIC_ZONE };
    await joinWaitlist(db(), mover.id, range, later(1));
    await joinWaitlist(db(), waiting.id, range, later(2));
    const { appointmentId } = await bookAppointment(
      db(),
      { patientId: mover.id, doctorId: doctor.id, startsAt: at("09:00"), reason: REASON, symptoms: "", idempotencyKey: crypto.randomUUID() },
      later(3),
    );
    await rescheduleAppointment(db(), { id: mover.id, role: "patient" }, { appointmentId, startsAt: at("11:00") }, later(4));
    expect(await offersOf(mover.id)).toHaveLength(0);
    expect(await offersOf(waiting.id)).toMatchObject([{ startsAt: at("09:00"), status: "open" }]);
  });

  it("offers the times new hours make free, one to each patient waiting, and never the times that were free already", async () => {
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id);
    const [first, second] = [await makeUser(db()), await makeUser(db())];
    const range = { doctorId: doctor.id, from: MONDAY, to: MONDAY, reason: REASON, timeZone: CLINIC_ZONE };
    await joinWaitlist(db(), first.id, range, later(1));
    await joinWaitlist(db(), second.id, range, later(2));
    const extra = { kind: "extra" as const, startDate: MONDAY, endDate: MONDAY, startMinute: 13 * 60, endMinute: 14 * 60 + 30, slotMinutes: 30, note: "" };
    await addException(db(), doctor.id, extra, later(3));
    expect(await offersOf(first.id)).toMatchObject([{ startsAt: at("13:00"), status: "open" }]);
    expect(await offersOf(second.id)).toMatchObject([{ startsAt: at("13:30"), status: "open" }]);
    // The third new time, and the morning's times, are free for anyone.
    const policy = await getBookingPolicy(db());
    const free = (await freeSlotsOfDoctor(db(), doctor.id, policy, later(4))).map((s) => s.start.getTime());
    expect(free).toContain(at("14:00").getTime());
    expect(free).toContain(at("09:00").getTime());
    expect(free).not.toContain(at("13:00").getTime());
  });

  it("refuses a range that ends before it starts or reaches past the booking horizon", async () => {
    const doctor = await makeDoctor(db());
    const patient = await makeUser(db());
    const ask = (from: string, to: string) => joinWaitlist(db(), patient.id, { doctorId: doctor.id, from, to, reason: REASON, timeZone: CLINIC_ZONE }, NOW);
    await expect(ask("2031-03-05", "2031-03-04")).rejects.toMatchObject({ messageKey: "waitlist.rangeOrder" });
    await expect(ask("2031-03-03", "2032-03-04")).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(ask("2031-03-01", "2031-03-04")).rejects.toMatchObject({ messageKey: "waitlist.rangeOutside" });
  });
});
