import { index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { instant } from "./_columns";
import { users } from "./users";

/**
 * Login sessions. `id` is the SHA-256 (hex) of the random token in the cookie: a copy of this table
 * cannot be used to sign in. `expiresAt` moves forward while the session is used (idle expiry);
 * `createdAt` bounds its whole life (absolute expiry).
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
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);
