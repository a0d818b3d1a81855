/**
 * Queuing messages in the outbox, always inside the transaction (or the statement) of the change that
 * calls for them, so that a message exists exactly when its change committed.
 */
import { and, eq, sql, type Placeholder, type SQL } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments, outbox, users, waitlistOffers } from "~db/schema";
import type { Locale } from "~/domain/vocabulary";
import type { ScheduledMessage } from "./message-kinds";

/** The language of a message when the patient never chose one and nothing else tells it. */
const FALLBACK_LOCALE: Locale = "zh-CN";

/** Messages as one JSON parameter (`jsonb_to_recordset`): the same on both drivers, and a prepared statement's one value. */
export function messagesParameter(messages: ScheduledMessage[]): string {
  return JSON.stringify(messages.map((m) => ({ kind: m.kind, send_at: m.sendAt.toISOString() })));
}

/**
 * The INSERT of an appointment's (or a waitlist offer's) messages: one row per message and per channel
 * the patient wants now (email unless turned off; SMS when on and a phone is given). `source` is a FROM
 * item that yields `appointment_id`, `offer_id` (one of them null), `user_id` and `sequence` (e.g. a
 * booking statement's CTE, which may yield nothing: then nothing is queued). The dedupe key (appointment
 * or `offer:<id>`, kind, channel, sequence) refuses a second copy of a message; a move or cancellation
 * raises the sequence, so its messages are new ones.
 */
export function outboxInsert(source: SQL, messages: string | Placeholder, locale: Locale | Placeholder | null): SQL {
  const earlier = sql`(select o.${sql.identifier(outbox.locale.name)} from ${outbox} o where o.${sql.identifier(outbox.appointmentId.name)} = a.appointment_id order by o.${sql.identifier(outbox.createdAt.name)} limit 1)`;
  return sql`insert into ${outbox} (kind, channel, user_id, appointment_id, offer_id, locale, dedupe_key, send_at, next_attempt_at)
    select m.kind, c.channel, a.user_id, a.appointment_id, a.offer_id,
      coalesce(u.${sql.identifier(users.locale.name)}, ${locale}::locale, ${earlier}, ${FALLBACK_LOCALE}::locale),
      coalesce(a.appointment_id::text, 'offer:' || a.offer_id::text) || ':' || m.kind::text || ':' || c.channel::text || ':' || a.sequence::text,
      m.send_at, m.send_at
    from ${source} a
    join ${users} u on u.id = a.user_id
    cross join jsonb_to_recordset(${messages}::jsonb) as m(kind message_kind, send_at timestamptz)
    cross join lateral (values
      ('email'::message_channel, u.${sql.identifier(users.notifyEmail.name)}),
      ('sms'::message_channel, u.${sql.identifier(users.notifySms.name)} and u.${sql.identifier(users.phone.name)} is not null)
    ) as c(channel, wanted)
    where c.wanted
    on conflict (dedupe_key) do nothing`;
}

/** Queues an appointment's messages for its patient, in the caller's transaction. */
export async function queueMessages(tx: Db, appointmentId: string, messages: ScheduledMessage[], locale: Locale | null = null) {
  if (messages.length === 0) return;
  const appointment = sql`(select ${appointments.id} as appointment_id, null::uuid as offer_id, ${appointments.patientId} as user_id, ${appointments.sequence} as sequence
    from ${appointments} where ${appointments.id} = ${appointmentId}::uuid)`;
  await tx.execute(outboxInsert(appointment, messagesParameter(messages), locale));
}

/** Queues the notice of a freed time held for a patient (`slot_offered`, at once), in the caller's transaction. */
export async function queueOfferMessage(tx: Db, offerId: string, now: Date) {
  const offer = sql`(select null::uuid as appointment_id, ${waitlistOffers.id} as offer_id, ${waitlistOffers.patientId} as user_id, 0 as sequence
    from ${waitlistOffers} where ${waitlistOffers.id} = ${offerId}::uuid)`;
  await tx.execute(outboxInsert(offer, messagesParameter([{ kind: "slot_offered", sendAt: now }]), null));
}

/**
 * The appointment moved or was cancelled: what was queued for it and not yet taken is never sent (a
 * move queues its reminders again at the new time). In the caller's transaction.
 */
export async function cancelPendingMessages(tx: Db, appointmentId: string, reason: string, now: Date) {
  await tx
    .update(outbox)
    .set({ status: "cancelled", lastError: reason, updatedAt: now })
    .where(and(eq(outbox.appointmentId, appointmentId), eq(outbox.status, "pending")));
}
