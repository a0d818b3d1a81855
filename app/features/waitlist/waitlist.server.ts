/**
 * The waitlist ("Tell me about earlier times"): a patient waits for a freed time of a doctor within a date
 * range; a time freed by a cancellation or a move is offered to the first patient waiting for it and held
 * for them for 15 minutes (the booking statement refuses it to everyone else meanwhile); "Take this time"
 * books it through the same statement as any booking; "No thanks" or 15 minutes without an answer passes
 * it to the next patient waiting. Every write is one transaction with its audit row.
 */
import { and, asc, desc, eq, gt, inArray, lte, ne, sql } from "drizzle-orm";
import { rowsOf, type Db } from "~db/client.server";
import { appointments, departments, doctors, waitlistOffers, waitlistRequests } from "~db/schema";
import type { Locale } from "~/domain/vocabulary";
import { recordAudit } from "~/features/audit/record-audit.server";
import { bookingWindow, loadSchedules } from "~/features/booking/availability.server";
import { bookAppointment } from "~/features/booking/book-appointment.server";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import type { FreeSlotIndex } from "~/features/booking/free-slot-index.server";
import { classifyRequestedStart, computeFreeSlots, type Interval } from "~/features/booking/slots";
import { publish } from "~/features/live/publish.server";
import { queueOfferMessage } from "~/features/notifications/outbox.server";
import { ConflictError, InvalidRequestError, NotFoundError } from "~/utils/errors";
import { nextInLine, offerExpiry, offerIsOpen, waitlistRange } from "./waitlist-rules";

const DAY = 24 * 60 * 60_000;

type Context = { clientAddress?: string | null };

/**
 * "Tell me about earlier times": the patient waits for a freed time of this doctor from `from` to `to`
 * (dates in their time zone, within the booking horizon), with the reason the booking will carry. A
 * patient who already waits for this doctor changes their range and keeps their place in line.
 */
export async function joinWaitlist(
  db: Db,
  patientId: string,
  input: { doctorId: string; from: string; to: string; reason: string; timeZone: string },
  now: Date,
  context: Context = {},
) {
  const policy = await getBookingPolicy(db);
  const range = waitlistRange(input.from, input.to, input.timeZone, now, policy.bookingHorizonDays);
  if (!range.ok) throw new InvalidRequestError(range.error);
  return db.transaction(async (tx) => {
    const [doctor] = await tx.select({ id: doctors.id }).from(doctors).where(eq(doctors.id, input.doctorId));
    if (!doctor) throw new NotFoundError("error.doctorNotFound");
    const [existing] = await tx
      .select({ id: waitlistRequests.id })
      .from(waitlistRequests)
      .where(and(eq(waitlistRequests.patientId, patientId), eq(waitlistRequests.doctorId, doctor.id), eq(waitlistRequests.status, "waiting")))
      .for("update");
    const values = { fromAt: range.fromAt, untilAt: range.untilAt, reason: input.reason, updatedAt: now };
    const id = existing
      ? (await tx.update(waitlistRequests).set(values).where(eq(waitlistRequests.id, existing.id)).returning({ id: waitlistRequests.id }))[0]!.id
      : (await tx
          .insert(waitlistRequests)
          .values({ ...values, patientId, doctorId: doctor.id, createdAt: now })
          .returning({ id: waitlistRequests.id }))[0]!.id;
    await recordAudit(tx, {
      actorId: patientId,
      actorRole: "patient",
      action: "waitlist.joined",
      entityType: "waitlist_request",
      entityId: id,
      patientId,
      clientAddress: context.clientAddress,
      detail: { doctorId: doctor.id, from: range.fromAt.toISOString(), until: range.untilAt.toISOString(), changed: Boolean(existing) },
    });
    return { requestId: id };
  });
}

/** "Stop waiting": the patient's waiting request for this doctor ends (an open offer stays theirs to answer). */
export async function leaveWaitlist(db: Db, patientId: string, doctorId: string, now: Date, context: Context = {}) {
  return db.transaction(async (tx) => {
    const [left] = await tx
      .update(waitlistRequests)
      .set({ status: "withdrawn", updatedAt: now })
      .where(and(eq(waitlistRequests.patientId, patientId), eq(waitlistRequests.doctorId, doctorId), eq(waitlistRequests.status, "waiting")))
      .returning({ id: waitlistRequests.id });
    if (!left) return { left: false };
    await recordAudit(tx, {
      actorId: patientId,
      actorRole: "patient",
      action: "waitlist.left",
      entityType: "waitlist_request",
      entityId: left.id,
      patientId,
      clientAddress: context.clientAddress,
      detail: { doctorId },
    });
    return { left: true };
  });
}

/**
 * A doctor's time was freed (a cancellation, a move, an offer declined or lapsed): in the caller's
 * transaction, offer it to the first patient waiting for it, held until 15 minutes from `now`, with its
 * audit row and its message. Nothing when the time is not a free slot that may be booked now, when an
 * offer already holds it (an expired one is the sweep's to pass on), or when nobody waits for it.
 */
export async function offerFreedTime(
  tx: Db,
  doctorId: string,
  slot: Interval,
  now: Date,
  options: { excludedPatientId?: string | null } = {},
): Promise<{ offerId: string; patientId: string } | null> {
  const policy = await getBookingPolicy(tx);
  const window = bookingWindow(policy, now);
  if (slot.start < window.from || slot.start >= window.until) return null;
  const schedule = (await loadSchedules(tx, [doctorId], new Date(slot.start.getTime() - DAY), new Date(slot.start.getTime() + DAY))).get(doctorId)!;
  const requested = classifyRequestedStart({ ...schedule, timeZone: policy.timeZone }, slot.start);
  if (requested.kind !== "free") return null;
  const freed = requested.slot;
  const [held] = await tx
    .select({ id: waitlistOffers.id })
    .from(waitlistOffers)
    .where(and(eq(waitlistOffers.doctorId, doctorId), eq(waitlistOffers.startsAt, freed.start), eq(waitlistOffers.status, "open")));
  if (held) return null;
  const waiting = await tx
    .select({
      id: waitlistRequests.id,
      patientId: waitlistRequests.patientId,
      fromAt: waitlistRequests.fromAt,
      untilAt: waitlistRequests.untilAt,
      createdAt: waitlistRequests.createdAt,
    })
    .from(waitlistRequests)
    .where(
      and(
        eq(waitlistRequests.doctorId, doctorId),
        eq(waitlistRequests.status, "waiting"),
        lte(waitlistRequests.fromAt, freed.start),
        sql`${waitlistRequests.untilAt} >= ${freed.end.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(waitlistRequests.createdAt), asc(waitlistRequests.id));
  if (waiting.length === 0) return null;
  const offeredBefore = await tx
    .select({ requestId: waitlistOffers.requestId })
    .from(waitlistOffers)
    .where(and(eq(waitlistOffers.doctorId, doctorId), eq(waitlistOffers.startsAt, freed.start)));
  const holding = await tx
    .select({ requestId: waitlistOffers.requestId })
    .from(waitlistOffers)
    .where(
      and(
        inArray(waitlistOffers.requestId, waiting.map((w) => w.id)),
        eq(waitlistOffers.status, "open"),
        gt(waitlistOffers.expiresAt, now),
      ),
    );
  const busy = await tx
    .selectDistinct({ patientId: appointments.patientId })
    .from(appointments)
    .where(
      and(
        inArray(appointments.patientId, [...new Set(waiting.map((w) => w.patientId))]),
        ne(appointments.status, "cancelled"),
        sql`tstzrange(${appointments.startsAt}, ${appointments.endsAt}, '[)') && tstzrange(${freed.start.toISOString()}::timestamptz, ${freed.end.toISOString()}::timestamptz, '[)')`,
      ),
    );
  const next = nextInLine(freed, waiting, {
    offeredBefore: new Set(offeredBefore.map((o) => o.requestId)),
    holdingOffer: new Set(holding.map((o) => o.requestId)),
    busyPatients: new Set(busy.map((b) => b.patientId)),
    excludedPatientId: options.excludedPatientId ?? null,
  });
  if (!next) return null;
  // One open offer per time: a concurrent offer of the same time (another instance's sweep) leaves this one out.
  const [offer] = await tx
    .insert(waitlistOffers)
    .values({
      requestId: next.id,
      patientId: next.patientId,
      doctorId,
      startsAt: freed.start,
      endsAt: freed.end,
      expiresAt: offerExpiry(now),
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: waitlistOffers.id });
  if (!offer) return null;
  await recordAudit(tx, {
    actorId: null,
    action: "waitlist.offer_made",
    entityType: "waitlist_offer",
    entityId: offer.id,
    patientId: next.patientId,
    detail: { doctorId, startsAt: freed.start.toISOString(), expiresAt: offerExpiry(now).toISOString(), requestId: next.id },
  });
  await queueOfferMessage(tx, offer.id, now);
  return { offerId: offer.id, patientId: next.patientId };
}

/**
 * The free times of a doctor that waiting requests could be offered, in the caller's transaction: one
 * query when nobody waits for this doctor (then nothing is computed).
 */
export async function timesWaitedFor(tx: Db, doctorId: string, now: Date): Promise<Interval[] | null> {
  const waiting = await tx
    .select({ fromAt: waitlistRequests.fromAt, untilAt: waitlistRequests.untilAt })
    .from(waitlistRequests)
    .where(and(eq(waitlistRequests.doctorId, doctorId), eq(waitlistRequests.status, "waiting")));
  if (waiting.length === 0) return null;
  const policy = await getBookingPolicy(tx);
  const window = bookingWindow(policy, now);
  const earliest = Math.max(window.from.getTime(), Math.min(...waiting.map((w) => w.fromAt.getTime())));
  const latest = Math.min(window.until.getTime(), Math.max(...waiting.map((w) => w.untilAt.getTime())));
  if (!(earliest < latest)) return [];
  const [from, until] = [new Date(earliest), new Date(latest)];
  const schedule = (await loadSchedules(tx, [doctorId], from, until, { heldAt: now })).get(doctorId)!;
  return computeFreeSlots({
    ...schedule,
    now,
    timeZone: policy.timeZone,
    minNoticeMinutes: policy.minNoticeMinutes,
    horizonDays: policy.bookingHorizonDays,
    from,
    until,
  }).filter((slot) => waiting.some((w) => w.fromAt <= slot.start && slot.end <= w.untilAt));
}

/**
 * A change of a doctor's hours made times free (new weekly hours, extra hours, time off removed): each
 * time that was not free `before` (from `timesWaitedFor` before the change) is offered, in time order, as
 * a freed time is. One held time per waiting request, so the rest stay free for everyone.
 */
export async function offerNewTimes(tx: Db, doctorId: string, before: Interval[] | null, now: Date) {
  if (before === null) return 0;
  const known = new Set(before.map((slot) => slot.start.getTime()));
  let offered = 0;
  for (const slot of (await timesWaitedFor(tx, doctorId, now)) ?? []) {
    if (known.has(slot.start.getTime())) continue;
    if (await offerFreedTime(tx, doctorId, slot, now)) offered++;
  }
  return offered;
}

/**
 * Offers that lapsed by `now` (15 minutes without an answer): each is closed with its audit row and its
 * time passed to the next patient waiting, one transaction each. Run by every server's outbox worker on
 * its tick and before a patient's offers are read; concurrent sweeps never close one offer twice.
 */
export async function sweepLapsedOffers(db: Db, now: Date): Promise<number> {
  let closed = 0;
  for (;;) {
    const lapsed = await db.transaction(async (tx) => {
      const [row] = rowsOf<{ id: string; doctor_id: string; patient_id: string; starts_at: string | Date; ends_at: string | Date }>(
        await tx.execute(sql`
        update ${waitlistOffers} set status = 'lapsed', answered_at = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
        where ${waitlistOffers.id} = (
          select ${waitlistOffers.id} from ${waitlistOffers}
          where ${waitlistOffers.status} = 'open' and ${waitlistOffers.expiresAt} <= ${now.toISOString()}::timestamptz
          order by ${waitlistOffers.expiresAt} limit 1 for update skip locked
        )
        returning id, doctor_id, patient_id, starts_at, ends_at`),
      );
      if (!row) return false;
      await recordAudit(tx, {
        actorId: null,
        action: "waitlist.offer_lapsed",
        entityType: "waitlist_offer",
        entityId: row.id,
        patientId: row.patient_id,
        detail: { doctorId: row.doctor_id, startsAt: new Date(row.starts_at).toISOString() },
      });
      await passOn(tx, row.doctor_id, { start: new Date(row.starts_at), end: new Date(row.ends_at) }, now);
      return true;
    });
    if (!lapsed) return closed;
    closed++;
  }
}

/** A held time is let go: to the next patient waiting, or free for everyone (the free-slot indexes are told). */
async function passOn(tx: Db, doctorId: string, slot: Interval, now: Date) {
  await offerFreedTime(tx, doctorId, slot, now);
  await publish(tx, { kind: "availability", doctorId });
}

/** The patient's own offer, locked; 404 when it is not theirs. */
async function ownOffer(tx: Db, patientId: string, offerId: string) {
  const [offer] = await tx
    .select()
    .from(waitlistOffers)
    .where(and(eq(waitlistOffers.id, offerId), eq(waitlistOffers.patientId, patientId)))
    .for("update");
  if (!offer) throw new NotFoundError("waitlist.offerNotFound");
  return offer;
}

/** "No thanks": the offer closes and its time goes to the next patient waiting. The patient stays on the waitlist. */
export async function declineOffer(db: Db, patientId: string, offerId: string, now: Date, context: Context = {}) {
  await db.transaction(async (tx) => {
    const offer = await ownOffer(tx, patientId, offerId);
    if (!offerIsOpen(offer, now)) throw new ConflictError("waitlist.offerGone");
    await tx.update(waitlistOffers).set({ status: "declined", answeredAt: now, updatedAt: now }).where(eq(waitlistOffers.id, offer.id));
    await recordAudit(tx, {
      actorId: patientId,
      actorRole: "patient",
      action: "waitlist.offer_declined",
      entityType: "waitlist_offer",
      entityId: offer.id,
      patientId,
      clientAddress: context.clientAddress,
      detail: { doctorId: offer.doctorId, startsAt: offer.startsAt.toISOString() },
    });
    await passOn(tx, offer.doctorId, { start: offer.startsAt, end: offer.endsAt }, now);
  });
}

/**
 * "Take this time": books the held time through the booking statement (which refuses it to everyone
 * else while the offer holds it, and marks the offer accepted with its audit row). An offer no longer
 * open (answered, lapsed) is a 409.
 */
export async function acceptOffer(
  db: Db,
  patientId: string,
  offerId: string,
  now: Date,
  context: Context & { slots?: FreeSlotIndex; locale?: Locale } = {},
) {
  const [offer] = await db
    .select({ offer: waitlistOffers, reason: waitlistRequests.reason })
    .from(waitlistOffers)
    .innerJoin(waitlistRequests, eq(waitlistRequests.id, waitlistOffers.requestId))
    .where(and(eq(waitlistOffers.id, offerId), eq(waitlistOffers.patientId, patientId)));
  if (!offer) throw new NotFoundError("waitlist.offerNotFound");
  if (!offerIsOpen(offer.offer, now)) throw new ConflictError("waitlist.offerGone");
  return bookAppointment(
    db,
    {
      patientId,
      doctorId: offer.offer.doctorId,
      startsAt: offer.offer.startsAt,
      reason: offer.reason,
      symptoms: "",
      idempotencyKey: `offer:${offer.offer.id}`,
    },
    now,
    context,
  );
}

/**
 * What the patient's pages show of the waitlist: their open offers (with the doctor) and the doctors they
 * wait for. Lapsed offers are passed on first, so an expired one is never shown.
 */
export async function patientWaitlist(db: Db, patientId: string, now: Date) {
  await sweepLapsedOffers(db, now);
  const doctor = { id: doctors.id, nameZh: doctors.nameZh, nameEn: doctors.nameEn, title: doctors.title };
  const department = { nameZh: departments.nameZh, nameEn: departments.nameEn };
  const [offers, requests] = await Promise.all([
    db
      .select({ id: waitlistOffers.id, startsAt: waitlistOffers.startsAt, endsAt: waitlistOffers.endsAt, expiresAt: waitlistOffers.expiresAt, doctor, department })
      .from(waitlistOffers)
      .innerJoin(doctors, eq(doctors.id, waitlistOffers.doctorId))
      .innerJoin(departments, eq(departments.id, doctors.departmentId))
      .where(and(eq(waitlistOffers.patientId, patientId), eq(waitlistOffers.status, "open"), gt(waitlistOffers.expiresAt, now)))
      .orderBy(asc(waitlistOffers.expiresAt)),
    db
      .select({ id: waitlistRequests.id, doctorId: waitlistRequests.doctorId, fromAt: waitlistRequests.fromAt, untilAt: waitlistRequests.untilAt })
      .from(waitlistRequests)
      .where(and(eq(waitlistRequests.patientId, patientId), eq(waitlistRequests.status, "waiting")))
      .orderBy(desc(waitlistRequests.createdAt)),
  ]);
  return { offers, requests };
}

/** The patient's waiting request for one doctor (the profile's form), or null. */
export async function waitingRequest(db: Db, patientId: string, doctorId: string) {
  const [row] = await db
    .select({ id: waitlistRequests.id, fromAt: waitlistRequests.fromAt, untilAt: waitlistRequests.untilAt, reason: waitlistRequests.reason })
    .from(waitlistRequests)
    .where(and(eq(waitlistRequests.patientId, patientId), eq(waitlistRequests.doctorId, doctorId), eq(waitlistRequests.status, "waiting")));
  return row ?? null;
}
