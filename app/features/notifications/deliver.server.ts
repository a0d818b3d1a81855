/**
 * The outbox's delivery: take the messages that are due, render each in its patient's language, send it
 * by its channel, and record what happened. Any number of workers (processes, instances) may run it at
 * once: a message is taken by one claim (`FOR UPDATE SKIP LOCKED`, then marked `sending` with a lease),
 * so no two send the same one.
 */
import { desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "~db/client.server";
import { appointments, departments, doctors, outbox, users, waitlistOffers } from "~db/schema";
import type { MessageStatus } from "~/domain/vocabulary";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { joinLinkForReminder } from "~/features/consultation/join-links.server";
import { MAX_ATTEMPTS, MESSAGE_DEFINITIONS, retryDelayMs, SEND_LEASE_MS, skipReason } from "./message-kinds";
import { renderMessage, type MessageSubject } from "./render-message.server";

export type OutgoingEmail = {
  to: string;
  subject: string;
  text: string;
  calendar: { filename: string; content: string } | null;
  /** The same for every attempt at one message, so that a mail system can drop a repeat. */
  messageId: string;
};
export type OutgoingSms = { to: string; body: string };

/** How messages leave: a channel without a sender keeps its messages in the outbox (`held`). */
export type Transport = {
  email?: (message: OutgoingEmail) => Promise<void>;
  sms?: (message: OutgoingSms) => Promise<void>;
};

export type DeliveryOptions = {
  /** Where the links in messages point: the app as patients reach it. */
  publicUrl: string;
  /** How many messages one claim takes. */
  batch?: number;
};

export type DeliveryReport = Record<Exclude<MessageStatus, "sending">, number>;

/**
 * Sends every message due at `now` (the caller's clock: the worker's is the server's, tests choose
 * theirs), a batch at a time, until none is left. A failure is tried again later (`retryDelayMs`) and
 * given up after `MAX_ATTEMPTS`.
 */
export async function deliverDue(db: Db, now: Date, transport: Transport, options: DeliveryOptions): Promise<DeliveryReport> {
  const report: DeliveryReport = { pending: 0, sent: 0, held: 0, failed: 0, cancelled: 0 };
  for (;;) {
    const claimed = await claimDue(db, now, options.batch ?? 20);
    if (claimed.length === 0) return report;
    const subjects = await readMessages(db, inArray(outbox.id, claimed));
    for (const row of subjects) {
      const status = await deliverOne(db, row, now, transport, options);
      report[status] += 1;
    }
  }
}

/**
 * Takes up to `batch` due messages in one statement: locked rows (another worker's claim in flight) are
 * skipped, and each taken row is marked `sending` until the lease ends (a worker that dies mid-send lets
 * it go then; the attempt counts).
 */
async function claimDue(db: Db, now: Date, batch: number): Promise<string[]> {
  const leaseEnd = new Date(now.getTime() + SEND_LEASE_MS).toISOString();
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`update ${outbox}
      set status = 'sending', attempts = ${outbox.attempts} + 1, next_attempt_at = ${leaseEnd}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
      where ${outbox.id} in (
        select ${outbox.id} from ${outbox}
        where ${outbox.status} in ('pending', 'sending') and ${outbox.nextAttemptAt} <= ${now.toISOString()}::timestamptz
        order by ${outbox.nextAttemptAt}
        limit ${batch}
        for update skip locked
      )
      returning ${outbox.id}`),
  );
  return rows.map((r) => r.id);
}

type Claimed = Awaited<ReturnType<typeof readMessages>>[number];

/**
 * Messages with what they speak of: the patient now, the appointment now, the clinic. The claimed ones
 * (`which`), or the latest `limit` for the admin's outbox.
 */
export async function readMessages(db: Db, which: SQL | undefined, limit?: number) {
  const clinic = await getClinicSettings(db);
  const rows = await db
    .select({
      id: outbox.id,
      kind: outbox.kind,
      channel: outbox.channel,
      status: outbox.status,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      recipient: outbox.recipient,
      subject: outbox.subject,
      sendAt: outbox.sendAt,
      sentAt: outbox.sentAt,
      nextAttemptAt: outbox.nextAttemptAt,
      appointmentId: outbox.appointmentId,
      locale: sql<"zh-CN" | "en">`coalesce(${users.locale}, ${outbox.locale})`,
      patient: {
        displayName: users.displayName,
        email: users.email,
        phone: users.phone,
        timeZone: users.timeZone,
        notifyEmail: users.notifyEmail,
        notifySms: users.notifySms,
      },
      appointment: {
        id: appointments.id,
        startsAt: appointments.startsAt,
        endsAt: appointments.endsAt,
        status: appointments.status,
        sequence: appointments.sequence,
        updatedAt: appointments.updatedAt,
      },
      offer: { id: waitlistOffers.id, startsAt: waitlistOffers.startsAt, expiresAt: waitlistOffers.expiresAt, status: waitlistOffers.status },
      doctor: { nameZh: doctors.nameZh, nameEn: doctors.nameEn, title: doctors.title },
      department: { nameZh: departments.nameZh, nameEn: departments.nameEn },
    })
    .from(outbox)
    .innerJoin(users, eq(users.id, outbox.userId))
    .leftJoin(appointments, eq(appointments.id, outbox.appointmentId))
    .leftJoin(waitlistOffers, eq(waitlistOffers.id, outbox.offerId))
    // The doctor of the appointment, or of the freed time offered.
    .leftJoin(doctors, eq(doctors.id, sql`coalesce(${appointments.doctorId}, ${waitlistOffers.doctorId})`))
    .leftJoin(departments, eq(departments.id, doctors.departmentId))
    .where(which)
    .orderBy(desc(outbox.sendAt), desc(outbox.createdAt))
    .limit(limit ?? 1000);
  return rows.map((row) => {
    const appointment =
      row.appointment && row.doctor && row.department ? { ...row.appointment, doctor: row.doctor, department: row.department } : null;
    const offer = row.offer && row.doctor && row.department ? { ...row.offer, doctor: row.doctor, department: row.department } : null;
    const subject: MessageSubject = {
      kind: row.kind,
      channel: row.channel,
      locale: row.locale,
      patient: row.patient,
      clinic: { nameZh: clinic.nameZh, nameEn: clinic.nameEn, timeZone: clinic.timeZone },
      appointment,
      offer,
    };
    return { ...row, appointment, offer, about: subject };
  });
}

async function deliverOne(db: Db, row: Claimed, now: Date, transport: Transport, options: DeliveryOptions): Promise<Exclude<MessageStatus, "sending">> {
  const skip = skipReason(row, row.patient, row.appointment, now, row.offer);
  if (skip) {
    await settle(db, row.id, now, { status: "cancelled", lastError: skip });
    return "cancelled";
  }
  const send = transport[row.channel];
  const recipient = row.channel === "email" ? row.patient.email : row.patient.phone!;
  // A join link is made only for a message that leaves: one kept here carries the appointment's page.
  const joinToken =
    send && row.appointment && MESSAGE_DEFINITIONS[row.kind].joinLink ? await joinLinkForReminder(db, row.appointment.id) : null;
  const joinUrl = joinToken ? new URL(`/join/${joinToken}`, options.publicUrl).toString() : null;
  const message = renderMessage(row.about, { publicUrl: options.publicUrl, joinUrl }, now);
  if (!send) {
    await settle(db, row.id, now, { status: "held", recipient, subject: message.subject });
    return "held";
  }
  try {
    if (row.channel === "email") {
      await transport.email!({ to: recipient, subject: message.subject, text: message.text, calendar: message.calendar, messageId: `<${row.id}@yunzhen.outbox>` });
    } else {
      await transport.sms!({ to: recipient, body: message.sms });
    }
  } catch (error) {
    const lastError = describe(error);
    if (row.attempts >= MAX_ATTEMPTS) {
      await settle(db, row.id, now, { status: "failed", recipient, subject: message.subject, lastError });
      return "failed";
    }
    const nextAttemptAt = new Date(now.getTime() + retryDelayMs(row.attempts));
    await settle(db, row.id, now, { status: "pending", recipient, subject: message.subject, lastError, nextAttemptAt });
    return "pending";
  }
  await settle(db, row.id, now, { status: "sent", recipient, subject: message.subject, sentAt: now, lastError: null });
  return "sent";
}

/** Records the end of an attempt on a message this worker holds. */
async function settle(
  db: Db,
  id: string,
  now: Date,
  change: { status: MessageStatus; recipient?: string; subject?: string; lastError?: string | null; sentAt?: Date; nextAttemptAt?: Date },
) {
  await db
    .update(outbox)
    .set({ ...change, updatedAt: now })
    .where(eq(outbox.id, id));
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 500);
}
