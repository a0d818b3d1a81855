import { sql } from "drizzle-orm";
import { boolean, check, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
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
    /** A mobile number in E.164 (+8613800138000), for SMS reminders; null when none was given. */
    phone: text("phone"),
    /** Reminders and notices by email (on unless the person turns it off) and by SMS (needs a phone). */
    notifyEmail: boolean("notify_email").notNull().default(true),
    notifySms: boolean("notify_sms").notNull().default(false),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
    check("users_display_name_not_blank", sql`length(trim(${t.displayName})) > 0`),
    check("users_phone_e164", sql`${t.phone} ~ '^\\+[1-9][0-9]{6,14}$'`),
    check("users_sms_needs_phone", sql`not ${t.notifySms} or ${t.phone} is not null`),
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
