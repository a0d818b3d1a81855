import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "~db/client.server";
import { users } from "~db/schema";
import { publish } from "~/features/live/publish.server";
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
