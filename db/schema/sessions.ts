import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { instant } from "./_columns";
import { appointments } from "./appointments";
import { users } from "./users";

/**
 * Login sessions. `id` is the SHA-256 (hex) of the random token in the cookie: a copy of this table
 * cannot be used to sign in. `expiresAt` moves forward while the session is used (idle expiry);
 * `createdAt` bounds its whole life (absolute expiry).
 *
 * A sign-in whose password was right but whose second factor is still to come is a session too, marked
 * `awaitingSecondFactor`: it signs nobody in, lives a few minutes, and is replaced by a new session (a
 * new token) once the code is right. `secondFactorAt` is when this session proved the second factor.
 *
 * A session opened by a personal join link carries its `appointmentId`: it opens that one consultation
 * room and nothing else (every other page sees nobody signed in), and ends when the appointment is
 * cancelled or moved, or deleted with it.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: instant("expires_at").notNull(),
    createdAt: instant("created_at").notNull().defaultNow(),
    awaitingSecondFactor: boolean("awaiting_second_factor").notNull().default(false),
    secondFactorAt: instant("second_factor_at"),
    appointmentId: uuid("appointment_id").references(() => appointments.id, { onDelete: "cascade" }),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId), index("sessions_appointment_id_idx").on(t.appointmentId).where(sql`${t.appointmentId} is not null`)],
);
