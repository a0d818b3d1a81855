import { bigint, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { id, instant } from "./_columns";
import { users } from "./users";

/**
 * A person's second factor: the TOTP secret (RFC 6238) their authenticator app shares with us. A row
 * exists only once the person proved their app works (enrolment confirmed with a code). `lastUsedStep`
 * is the 30-second step of the last code accepted: a code is never accepted twice, nor an older one.
 */
export const secondFactors = pgTable("second_factors", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  secret: text("secret").notNull(),
  lastUsedStep: bigint("last_used_step", { mode: "number" }),
  createdAt: instant("created_at").notNull().defaultNow(),
});

/** One-time recovery codes, stored only as SHA-256 hashes; `usedAt` is set when one is spent. */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: instant("used_at"),
    createdAt: instant("created_at").notNull().defaultNow(),
  },
  (t) => [unique("recovery_codes_once").on(t.userId, t.codeHash)],
);
