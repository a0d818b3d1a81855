import { eq, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import { revokeJoinLinks } from "~/features/consultation/join-links.server";
import type { AppointmentEntry } from "~/features/live/events";
import { publish } from "~/features/live/publish.server";
import { messagesFor } from "~/features/notifications/message-kinds";
import { cancelPendingMessages, queueMessages } from "~/features/notifications/outbox.server";
import { offerFreedTime } from "~/features/waitlist/waitlist.server";
import { sqlState } from "~/utils/db-errors.server";
import { ConflictError, InvalidRequestError } from "~/utils/errors";
import { getAppointment, type Actor } from "./appointment-access.server";
import { assertAllowed, mayCancelOrReschedule } from "./appointment-policy";
import { bookingWindow, loadSchedules } from "./availability.server";
import { slotTaken, patientIsBusy } from "./book-appointment.server";
import { getBookingPolicy } from "./clinic-settings.server";
import { classifyRequestedStart } from "./slots";

const DAY = 24 * 60 * 60_000;

/** Locks the row (after checking the actor may see it) and reads it fresh under the lock. */
async function lockAppointment(tx: Db, actor: Actor, appointmentId: string) {
  const visible = await getAppointment(tx, actor, appointmentId);
  await tx.execute(sql`select 1 from ${appointments} where ${appointments.id} = ${visible.id} for update`);
  return getAppointment(tx, actor, appointmentId);
}

/**
 * Moves an appointment to another free slot of the same doctor in one transaction: the row is locked,
 * the new time is checked and written, and if the database refuses it (someone took it a moment ago)
 * the transaction rolls back and the appointment keeps its old time. The id, and so the calendar UID,
 * stays the same; the calendar SEQUENCE goes up.
 */
export async function rescheduleAppointment(
  db: Db,
  actor: Actor,
  input: { appointmentId: string; startsAt: Date },
  now = new Date(),
  context: { clientAddress?: string | null } = {},
) {
  const policy = await getBookingPolicy(db);
  try {
    return await db.transaction(async (tx) => {
      const current = await lockAppointment(tx, actor, input.appointmentId);
      assertAllowed(mayCancelOrReschedule(current, actor, policy, now));
      const window = bookingWindow(policy, now);
      if (input.startsAt < window.from || input.startsAt >= window.until) {
        throw new InvalidRequestError("booking.outsideWindow");
      }
      const schedule = (
        await loadSchedules(tx, [current.doctor.id], new Date(input.startsAt.getTime() - DAY), new Date(input.startsAt.getTime() + DAY), { heldAt: now })
      ).get(current.doctor.id)!;
      // Its own current time does not stand in its way.
      const busy = schedule.busy.filter(
        (b) => b.start.getTime() !== current.startsAt.getTime() || b.end.getTime() !== current.endsAt.getTime(),
      );
      const requested = classifyRequestedStart({ ...schedule, busy, timeZone: policy.timeZone }, input.startsAt);
      if (requested.kind === "unavailable") throw new InvalidRequestError("booking.notASlot");
      if (requested.kind === "taken") throw await slotTaken(tx, { doctorId: current.doctor.id, startsAt: input.startsAt }, now);
      if (await patientIsBusy(tx, current.patientId, requested.slot, current.id)) {
        throw new ConflictError("booking.patientBusy");
      }
      await tx
        .update(appointments)
        .set({
          startsAt: requested.slot.start,
          endsAt: requested.slot.end,
          sequence: sql`${appointments.sequence} + 1`,
          updatedAt: now,
        })
        .where(eq(appointments.id, current.id));
      await publish(tx, {
        kind: "appointment",
        appointmentId: current.id,
        doctorId: current.doctor.id,
        patientId: current.patientId,
        status: current.status,
        previous: current.status,
        entry: entryOf(current, requested.slot),
        slotsChanged: true,
      });
      await recordAudit(tx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: "appointment.rescheduled",
        entityType: "appointment",
        entityId: current.id,
        patientId: current.patientId,
        clientAddress: context.clientAddress,
        detail: { from: current.startsAt.toISOString(), to: requested.slot.start.toISOString() },
      });
      // A link sent for the old time must not open the room at the new one: the patient makes a new one.
      await revokeJoinLinks(tx, current.id, now);
      // The reminders follow the appointment: those queued for the old time are never sent.
      await cancelPendingMessages(tx, current.id, "appointment_moved", now);
      await queueMessages(tx, current.id, messagesFor("rescheduled", requested.slot.start, now, true));
      // The time it left is free: the first patient waiting for it is offered it.
      await offerFreedTime(tx, current.doctor.id, { start: current.startsAt, end: current.endsAt }, now, { excludedPatientId: current.patientId });
      return { appointmentId: current.id, doctorId: current.doctor.id };
    });
  } catch (error) {
    const state = sqlState(error);
    // 23P01: the exclusion constraint refused the new time; 40P01: a racing booking deadlocked with us.
    if (state === "23P01" || state === "40P01") {
      const { doctorId } = await getAppointment(db, actor, input.appointmentId).then((a) => ({ doctorId: a.doctor.id }));
      throw await slotTaken(db, { doctorId, startsAt: input.startsAt }, now);
    }
    throw error;
  }
}

/** Cancels an appointment with a reason; its time is free for others at once (held first for a patient on the waitlist). */
export async function cancelAppointment(
  db: Db,
  actor: Actor,
  input: { appointmentId: string; reason: string },
  now = new Date(),
  context: { clientAddress?: string | null } = {},
) {
  const policy = await getBookingPolicy(db);
  return db.transaction(async (tx) => {
    const current = await lockAppointment(tx, actor, input.appointmentId);
    assertAllowed(mayCancelOrReschedule(current, actor, policy, now));
    await tx
      .update(appointments)
      .set({
        status: "cancelled",
        cancelledAt: now,
        cancelledBy: actor.id,
        cancellationReason: input.reason,
        sequence: sql`${appointments.sequence} + 1`,
        updatedAt: now,
      })
      .where(eq(appointments.id, current.id));
    await publish(tx, {
      kind: "appointment",
      appointmentId: current.id,
      doctorId: current.doctor.id,
      patientId: current.patientId,
      status: "cancelled",
      previous: current.status,
      entry: entryOf(current, { start: current.startsAt, end: current.endsAt }),
      slotsChanged: true,
    });
    // The reason is the person's own words: it stays on the appointment, never in the trail.
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: "appointment.cancelled",
      entityType: "appointment",
      entityId: current.id,
      patientId: current.patientId,
      clientAddress: context.clientAddress,
    });
    await revokeJoinLinks(tx, current.id);
    await cancelPendingMessages(tx, current.id, "appointment_cancelled", now);
    await queueMessages(tx, current.id, messagesFor("cancelled", current.startsAt, now, false));
    // The time is free: the first patient waiting for it is offered it (and it is held for them).
    await offerFreedTime(tx, current.doctor.id, { start: current.startsAt, end: current.endsAt }, now, { excludedPatientId: current.patientId });
    return { appointmentId: current.id };
  });
}

/** The appointment as the doctor's pages and the board show it, at its (new) time. */
function entryOf(current: { patient: { displayName: string }; reason: string }, at: { start: Date; end: Date }): AppointmentEntry {
  return {
    startsAt: at.start.toISOString(),
    endsAt: at.end.toISOString(),
    patientName: current.patient.displayName,
    reason: current.reason,
    checkedInAt: null,
    admittedAt: null,
  };
}
