import { randomUUID } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { reusableQuery, type Db } from "~db/client.server";
import { chatMessages, users } from "~db/schema";
import type { ChatMessageView, Participant } from "~/features/live/events";
import { publish } from "~/features/live/publish.server";

export const CHAT_MAX_LENGTH = 1000;

const chatQuery = reusableQuery((db) =>
  db
    .select({
      id: chatMessages.id,
      senderId: chatMessages.senderId,
      senderName: users.displayName,
      body: chatMessages.body,
      clientId: chatMessages.clientId,
      createdAt: chatMessages.createdAt,
    })
    .from(chatMessages)
    .innerJoin(users, eq(users.id, chatMessages.senderId))
    .where(eq(chatMessages.appointmentId, sql.placeholder("appointmentId")))
    .orderBy(asc(chatMessages.createdAt), asc(chatMessages.id))
    .prepare("room_chat"),
);

/** The chat of a consultation, oldest first, for either participant. */
export async function listChat(db: Db, appointment: { id: string; patientId: string }): Promise<ChatMessageView[]> {
  const rows = await chatQuery(db, { appointmentId: appointment.id });
  return rows.map((r) => ({
    id: r.id,
    senderRole: r.senderId === appointment.patientId ? "patient" : "doctor",
    senderName: r.senderName,
    body: r.body,
    clientId: r.clientId,
    createdAt: r.createdAt.toISOString(),
  }));
}

const chatIdsQuery = reusableQuery((db) =>
  db
    .select({ id: chatMessages.id })
    .from(chatMessages)
    .where(eq(chatMessages.appointmentId, sql.placeholder("appointmentId")))
    .limit(sql.placeholder("limit"))
    .prepare("room_chat_ids"),
);

/** Whether a consultation's chat holds more than `known` messages (a page read before they arrived). */
export async function hasMoreChat(db: Db, appointmentId: string, known: number): Promise<boolean> {
  const rows = await chatIdsQuery(db, { appointmentId, limit: known + 1 });
  return rows.length > known;
}

/**
 * Stores a message and tells both sides, on every app instance, in one transaction. `clientId` is the
 * sender's own id for the message: sending it again (a resend after a cut) stores nothing new and
 * announces the stored message again, so the sender sees it arrive and the other side has it too.
 */
export async function sendChat(
  db: Db,
  sender: { id: string; displayName: string; role: Participant },
  appointmentId: string,
  body: string,
  clientId: string = randomUUID(),
): Promise<ChatMessageView> {
  return db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(chatMessages)
      .values({ appointmentId, senderId: sender.id, body, clientId })
      .onConflictDoNothing({ target: [chatMessages.appointmentId, chatMessages.senderId, chatMessages.clientId] })
      .returning({ id: chatMessages.id, body: chatMessages.body, createdAt: chatMessages.createdAt });
    const row =
      inserted ??
      (
        await tx
          .select({ id: chatMessages.id, body: chatMessages.body, createdAt: chatMessages.createdAt })
          .from(chatMessages)
          .where(and(eq(chatMessages.appointmentId, appointmentId), eq(chatMessages.senderId, sender.id), eq(chatMessages.clientId, clientId)))
      )[0]!;
    const message: ChatMessageView = {
      id: row.id,
      senderRole: sender.role,
      senderName: sender.displayName,
      body: row.body,
      clientId,
      createdAt: row.createdAt.toISOString(),
    };
    // A message too long for one NOTIFY still lands; the other side sees it on its next load.
    await publish(tx, { kind: "chat", appointmentId, message });
    return message;
  });
}
