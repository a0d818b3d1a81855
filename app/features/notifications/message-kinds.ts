/**
 * Every message the outbox sends a patient, in one place: when it goes, what it carries. Its words are
 * the dictionaries' `message.<kind>.subject`, `.body` (email) and `.sms` (a type error when one is
 * missing). A new kind (the waitlist's "a freed time is offered") is a word in `MESSAGE_KINDS`
 * (app/domain/vocabulary.ts, which makes the database's enum: `npm run db:generate`), an entry here and
 * its three texts in both dictionaries; the use case that calls for it queues it with `queueMessages`.
 */
import type { MessageKind } from "~/domain/vocabulary";

const MINUTE = 60_000;

export type KindDefinition = {
  /** A reminder: sent this long before the appointment starts. Otherwise it goes at once. */
  before?: number;
  /** The email carries the appointment as an .ics file (STATUS:CANCELLED for a cancellation). */
  calendar: boolean;
  /** It carries a fresh personal join link (made when it is sent; only its hash is kept). */
  joinLink: boolean;
  /** Only while the appointment has not started: "tomorrow" after the fact is worse than nothing. */
  onlyBeforeStart: boolean;
};

export const MESSAGE_DEFINITIONS: Record<MessageKind, KindDefinition> = {
  booking_confirmed: { calendar: true, joinLink: false, onlyBeforeStart: true },
  reminder_24h: { before: 24 * 60 * MINUTE, calendar: true, joinLink: true, onlyBeforeStart: true },
  reminder_15m: { before: 15 * MINUTE, calendar: true, joinLink: true, onlyBeforeStart: true },
  rescheduled: { calendar: true, joinLink: false, onlyBeforeStart: true },
  cancelled: { calendar: true, joinLink: false, onlyBeforeStart: false },
  summary_ready: { calendar: false, joinLink: false, onlyBeforeStart: false },
  /** A freed time held for a waiting patient (the waitlist): about an offer, not an appointment. */
  slot_offered: { calendar: false, joinLink: false, onlyBeforeStart: false },
};

/** The kinds sent before an appointment, timed from its start (a move re-times them). */
export const REMINDER_KINDS = (Object.keys(MESSAGE_DEFINITIONS) as MessageKind[]).filter((kind) => MESSAGE_DEFINITIONS[kind].before !== undefined);

export type ScheduledMessage = { kind: MessageKind; sendAt: Date };

/** The reminders still ahead for an appointment starting at `startsAt`: a reminder whose time has passed is not sent late. */
export function remindersFor(startsAt: Date, now: Date): ScheduledMessage[] {
  return REMINDER_KINDS.map((kind) => ({ kind, sendAt: new Date(startsAt.getTime() - MESSAGE_DEFINITIONS[kind].before!) })).filter(
    (message) => message.sendAt > now,
  );
}

/**
 * What a change of an appointment queues: its notice at once (`booking_confirmed`, `rescheduled`,
 * `cancelled`, …) and, while the appointment is still to come, the reminders that are still ahead.
 */
export function messagesFor(notice: MessageKind, startsAt: Date, now: Date, withReminders: boolean): ScheduledMessage[] {
  return [{ kind: notice, sendAt: now }, ...(withReminders ? remindersFor(startsAt, now) : [])];
}

/** A message is tried this many times (each failure waits longer: `retryDelayMs`), then given up and shown as failed. */
export const MAX_ATTEMPTS = 6;

/** After the `attempt`-th failure: 1, 2, 4, 8, 16 minutes… at most an hour. */
export function retryDelayMs(attempt: number): number {
  return Math.min(MINUTE * 2 ** Math.max(0, attempt - 1), 60 * MINUTE);
}

/** While a worker sends a message, nobody else takes it; a worker that died mid-send lets it go after this. */
export const SEND_LEASE_MS = 2 * MINUTE;

/** Why a message due now is not sent after all (the row is then cancelled with this reason). */
export type SkipReason = "channel_off" | "appointment_cancelled" | "too_late" | "offer_closed";

/**
 * Judged when a message is taken to be sent, on what is true then: the patient turned the channel off
 * since, the appointment was cancelled (only its cancellation notice still goes), or it has started and
 * the message is one that makes sense only before; an offer's notice goes only while the offer holds its time.
 */
export function skipReason(
  message: { kind: MessageKind; channel: "email" | "sms" },
  patient: { notifyEmail: boolean; notifySms: boolean; phone: string | null },
  appointment: { status: string; startsAt: Date } | null,
  now: Date,
  offer: { status: string; expiresAt: Date } | null = null,
): SkipReason | null {
  const wanted = message.channel === "email" ? patient.notifyEmail : patient.notifySms && patient.phone !== null;
  if (!wanted) return "channel_off";
  if (offer && (offer.status !== "open" || now >= offer.expiresAt)) return "offer_closed";
  if (appointment && appointment.status === "cancelled" && message.kind !== "cancelled") return "appointment_cancelled";
  if (appointment && MESSAGE_DEFINITIONS[message.kind].onlyBeforeStart && now >= appointment.startsAt) return "too_late";
  return null;
}
