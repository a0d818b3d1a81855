import { and, eq, gt, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "~db/client.server";
import { appointments, users } from "~db/schema";
import { publish } from "~/features/live/publish.server";
import { ACTIVE_STATUSES } from "~/features/booking/appointment-policy";
import { remindersFor } from "~/features/notifications/message-kinds";
import { queueMessages } from "~/features/notifications/outbox.server";
import { LOCALES, type Locale } from "~/domain/vocabulary";

/** The language switch: the language, and the page to go back to. */
export const localeForm = z.object({ locale: z.enum(LOCALES), redirectTo: z.string().optional() });

/** Remembers a signed-in person's language across devices. */
export async function savePreferredLocale(db: Db, userId: string, locale: Locale) {
  await db.transaction(async (tx) => {
    await tx.update(users).set({ locale, updatedAt: new Date() }).where(eq(users.id, userId));
    // Cached copies of this person's sessions carry the old language.
    await publish(tx, { kind: "user-changed", userId });
  });
}

export type ReminderChannels = { notifyEmail: boolean; notifySms: boolean; phone: string | null };

/** The account page's reminder settings. */
export async function readReminderChannels(db: Db, userId: string): Promise<ReminderChannels & { email: string }> {
  const [row] = await db
    .select({ email: users.email, notifyEmail: users.notifyEmail, notifySms: users.notifySms, phone: users.phone })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) throw new Error("no such user");
  return row;
}

/**
 * Saves how a patient wants reminders. A channel turned on gets the reminders still ahead of their
 * upcoming appointments (those already queued are not queued twice); one turned off sends nothing more
 * (the worker checks the choice when a message is due).
 */
export async function saveReminderChannels(db: Db, userId: string, channels: ReminderChannels, now = new Date()) {
  await db.transaction(async (tx) => {
    await tx.update(users).set({ ...channels, updatedAt: now }).where(eq(users.id, userId));
    const upcoming = await tx
      .select({ id: appointments.id, startsAt: appointments.startsAt })
      .from(appointments)
      .where(and(eq(appointments.patientId, userId), inArray(appointments.status, [...ACTIVE_STATUSES]), gt(appointments.startsAt, now)));
    for (const appointment of upcoming) await queueMessages(tx, appointment.id, remindersFor(appointment.startsAt, now));
  });
}
