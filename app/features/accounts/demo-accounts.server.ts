import { and, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { DEMO_ACCOUNTS, DEMO_DOCTORS } from "~db/demo-hospital";
import { users } from "~db/schema";

/** The demo hospital's accounts, whose password is published in the README. */
export const DEMO_EMAILS: readonly string[] = [
  ...new Set([...Object.values(DEMO_ACCOUNTS).map((a) => a.email), ...DEMO_DOCTORS.map((d) => d.email)]),
];

/** How many demo accounts can still sign in (deactivated ones cannot). */
export async function countDemoAccounts(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(inArray(sql`lower(${users.email})`, [...DEMO_EMAILS]), isNull(users.deactivatedAt)));
  return row?.n ?? 0;
}

/**
 * Whether the database holds demo accounts, for the banner on every page. The root loader runs on every
 * page (9 am included), so this is one query per process every 30 seconds at most, not one per request:
 * the answer is kept, and once it is older than that it is still served while one refresh runs behind it.
 */
const FRESH_MS = 30_000;
type Entry = { answer: Promise<boolean>; at: number; refreshing: boolean };
const cache = new WeakMap<Db, Entry>();

export function holdsDemoAccounts(db: Db): Promise<boolean> {
  const ask = () => countDemoAccounts(db).then((n) => n > 0);
  const entry = cache.get(db);
  if (!entry) {
    // The first ask of this process: everyone waits for the same query; a failure is not kept.
    const answer = ask();
    cache.set(db, { answer, at: Date.now(), refreshing: false });
    answer.catch(() => cache.delete(db));
    return answer;
  }
  if (Date.now() - entry.at >= FRESH_MS && !entry.refreshing) {
    entry.refreshing = true;
    const next = ask();
    next
      .then(() => {
        entry.answer = next;
        entry.at = Date.now();
      })
      .catch(() => {}) // keep the last answer; the next request tries again
      .finally(() => (entry.refreshing = false));
  }
  return entry.answer;
}

/** Forgets the kept answer (an account was deactivated or reactivated in this process). */
export function forgetDemoAccounts(db: Db) {
  const entry = cache.get(db);
  if (entry) entry.at = 0;
}
