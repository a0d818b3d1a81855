import { sql } from "drizzle-orm";
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
  const payload = JSON.stringify(event);
  if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES) return false;
  await db.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${payload})`);
  return true;
}
