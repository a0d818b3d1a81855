import { sql } from "drizzle-orm";
import { check, integer, pgTable, text } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";

export const departments = pgTable(
  "departments",
  {
    id: id(),
    /** Stable, human-readable key used by the seed and in URLs' filters, e.g. "respiratory". */
    code: text("code").notNull().unique(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    sortOrder: integer("sort_order").notNull().default(0),
    ...timestamps,
  },
  (t) => [check("departments_code_format", sql`${t.code} ~ '^[a-z][a-z0-9-]{1,40}$'`)],
);

export type Department = typeof departments.$inferSelect;
