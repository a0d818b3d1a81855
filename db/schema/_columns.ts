import { timestamp, uuid } from "drizzle-orm/pg-core";

/** Every table's primary key: a random UUID, so ids reveal neither order nor volume. */
export const id = () => uuid("id").primaryKey().defaultRandom();

/** Instants are always `timestamptz`; JavaScript sees them as `Date`. */
export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const timestamps = {
  createdAt: instant("created_at").notNull().defaultNow(),
  updatedAt: instant("updated_at").notNull().defaultNow(),
};
