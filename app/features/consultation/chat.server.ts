import { asc, eq } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { chatMessages, users } from "~db/schema";
import type { ChatMessageView, Participant } from "~/features/live/events";
import { publish } from "~/features/live/publish.server";

export const CHAT_MAX_LENGTH = 1000;

/** The chat of a consultation, oldest first, for either participant. */
export async function listChat(db: Db, appointment: { id: string; patientId: string }): Promise<ChatMessageView[]> {
  const rows = await db
    .select({
      id: chatMessages.id,
      senderId: chatMessages.senderId,
      senderName: users.displayName,
      body: chatMessages.body,
      createdAt: chatMessages.createdAt,
    })
    .from(chatMessages)
    .innerJoin(users, eq(users.id, chatMessages.senderId))
    .where(eq(chatMessages.appointmentId, appointment.id))
    .orderBy(asc(chatMessages.createdAt), asc(chatMessages.id));
  return rows.map((r) => ({
    id: r.id,
    senderRole: r.senderId === appointment.patientId ? "patient" : "doctor",
    senderName: r.senderName,
    body: r.body,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** Stores a message and tells both sides, on every app instance, in one transaction. */
export async function sendChat(
  db: Db,
  sender: { id: string; displayName: string; role: Participant },
  appointmentId: string,
  body: string,
): Promise<ChatMessageView> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(chatMessages)
      .values({ appointmentId, senderId: sender.id, body })
      .returning({ id: chatMessages.id, createdAt: chatMessages.createdAt });
    const message: ChatMessageView = {
      id: row!.id,
      senderRole: sender.role,
      senderName: sender.displayName,
      body,
      createdAt: row!.createdAt.toISOString(),
    };
    // A message too long for one NOTIFY still lands; the other side sees it on its next load.
    await publish(tx, { kind: "chat", appointmentId, message });
    return message;
  });
}
