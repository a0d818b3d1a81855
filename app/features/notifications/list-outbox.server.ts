import type { Db } from "~db/client.server";
import { readMessages } from "./deliver.server";
import { messageSubject } from "./render-message.server";

/** The admin's outbox shows this many of the latest messages. */
export const OUTBOX_PAGE_SIZE = 100;

/**
 * The latest messages, as the admin's outbox shows them: a message sent (or kept) with the address and
 * subject it had then; one still to go with its patient's address and its subject as they are now.
 */
export async function latestMessages(db: Db, publicUrl: string) {
  const rows = await readMessages(db, undefined, OUTBOX_PAGE_SIZE);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    channel: r.channel,
    status: r.status,
    attempts: r.attempts,
    lastError: r.lastError,
    recipient: r.recipient ?? (r.channel === "email" ? r.patient.email : (r.patient.phone ?? "—")),
    subject: r.subject ?? messageSubject(r.about, publicUrl),
    sendAt: r.sendAt.toISOString(),
    sentAt: r.sentAt?.toISOString() ?? null,
    nextAttemptAt: r.nextAttemptAt.toISOString(),
  }));
}
