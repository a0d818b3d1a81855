import { sql, type SQL } from "drizzle-orm";
import type { Db } from "~db/client.server";
import type { LiveEvent } from "./events";

export const LIVE_CHANNEL = "yz_live";
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
export const MAX_NOTIFY_BYTES = 7900;

/**
 * Publishes a live event to every app instance through PostgreSQL NOTIFY. Inside a transaction it is
 * delivered at commit, and not at all on rollback: listeners never hear of a change that did not happen.
 */
export async function publish(db: Db, event: LiveEvent): Promise<boolean> {
  const notify = notification(event);
  if (!notify) return false;
  await db.execute(sql`select ${notify}`);
  return true;
}

/**
 * The `pg_notify(…)` call that publishes `event`, as an expression to place inside a larger statement
 * (a write and its event in one round trip); null when the event is too large to send.
 */
function notification(event: LiveEvent): SQL | null {
  const payload = eventPayload(event);
  return payload === null ? null : sql`pg_notify(${LIVE_CHANNEL}, ${payload})`;
}

/** The NOTIFY payload of `event`; null when it is too large to send. */
export function eventPayload(event: LiveEvent): string | null {
  const payload = JSON.stringify(event);
  return Buffer.byteLength(payload) > MAX_NOTIFY_BYTES ? null : payload;
}
