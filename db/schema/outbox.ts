import { sql } from "drizzle-orm";
import { check, index, integer, pgEnum, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { MESSAGE_CHANNELS, MESSAGE_KINDS, MESSAGE_STATUSES } from "../../app/domain/vocabulary";
import { id, instant, timestamps } from "./_columns";
import { appointments } from "./appointments";
import { localeEnum, users } from "./users";
import { waitlistOffers } from "./waitlist";

export const messageKind = pgEnum("message_kind", MESSAGE_KINDS);
export const messageChannel = pgEnum("message_channel", MESSAGE_CHANNELS);
export const messageStatus = pgEnum("message_status", MESSAGE_STATUSES);

/**
 * Messages to send a patient (confirmation, reminders, notices), one row per message and channel,
 * written in the same transaction as the change that calls for them (a booking: the same statement).
 * A delivery worker in every server process claims the rows that are due (`FOR UPDATE SKIP LOCKED`),
 * renders them in the patient's language at that moment and sends them. `dedupeKey` (appointment, kind,
 * channel and the appointment's `sequence`; for an offer `offer:<id>`, kind and channel) makes queuing a message twice impossible.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: id(),
    kind: messageKind("kind").notNull(),
    channel: messageChannel("channel").notNull(),
    status: messageStatus("status").notNull().default("pending"),
    /** Whom it is for: the address is read when it is sent (their email or phone then). */
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    appointmentId: uuid("appointment_id").references(() => appointments.id, { onDelete: "cascade" }),
    /** What a message without an appointment speaks of: a freed time held for the patient (the waitlist). */
    offerId: uuid("offer_id").references(() => waitlistOffers.id, { onDelete: "cascade" }),
    /** The language when the person never chose one: the page's when it was queued. */
    locale: localeEnum("locale").notNull(),
    dedupeKey: text("dedupe_key").notNull().unique("outbox_dedupe_key"),
    /** When it is meant to go. */
    sendAt: instant("send_at").notNull(),
    /** When a worker may next take it: `sendAt`, then later after a failure (backoff) or while one is sending it (a lease). */
    nextAttemptAt: instant("next_attempt_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** As sent (or held): the address and the subject, for the admin's outbox. Never the body, which may carry a join link. */
    recipient: text("recipient"),
    subject: text("subject"),
    sentAt: instant("sent_at"),
    ...timestamps,
  },
  (t) => [
    index("outbox_due_idx").on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'sending')`),
    index("outbox_send_at_idx").on(t.sendAt),
    index("outbox_appointment_idx").on(t.appointmentId),
    check("outbox_one_source", sql`num_nonnulls(${t.appointmentId}, ${t.offerId}) = 1`),
    check("outbox_attempts", sql`${t.attempts} >= 0`),
    check("outbox_sent", sql`(${t.status} = 'sent') = (${t.sentAt} is not null)`),
  ],
);

export type OutboxRow = typeof outbox.$inferSelect;


