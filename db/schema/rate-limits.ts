import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { instant } from "./_columns";

/**
 * Fixed-window counters for rate limits, kept in the database so that every app instance sees the
 * same counts. `key` names what is limited, e.g. "login:account:alice@example.com".
 */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStartedAt: instant("window_started_at").notNull(),
  count: integer("count").notNull(),
});
