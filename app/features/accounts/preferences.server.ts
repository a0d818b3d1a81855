import { eq } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { users } from "~db/schema";
import type { Locale } from "~/i18n";

/** Remembers a signed-in person's language across devices. */
export async function savePreferredLocale(db: Db, userId: string, locale: Locale) {
  await db.update(users).set({ locale, updatedAt: new Date() }).where(eq(users.id, userId));
}
