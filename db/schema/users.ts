import { sql } from "drizzle-orm";
import { check, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { LOCALES, ROLES } from "../../app/domain/vocabulary";
import { id, instant, timestamps } from "./_columns";

export const roleEnum = pgEnum("role", ROLES);

export const localeEnum = pgEnum("locale", LOCALES);

export const users = pgTable(
  "users",
  {
    id: id(),
    email: text("email").notNull(),
    displayName: text("display_name").notNull(),
    role: roleEnum("role").notNull().default("patient"),
    /** The language the person chose with the switch; null follows the browser's Accept-Language. */
    locale: localeEnum("locale"),
    /** IANA time zone the person reads times in, e.g. "Asia/Shanghai". */
    timeZone: text("time_zone").notNull().default("Asia/Shanghai"),
    /**
     * Set when an admin deactivates the account (someone who left): it cannot sign in, and its sessions
     * were ended in the same transaction. Null for an active account.
     */
    deactivatedAt: instant("deactivated_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
    check("users_display_name_not_blank", sql`length(trim(${t.displayName})) > 0`),
  ],
);

/** Kept apart from `users` so that no query for a person ever carries a password hash along. */
export const passwords = pgTable("passwords", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  hash: text("hash").notNull(),
  ...timestamps,
});

export type User = typeof users.$inferSelect;
