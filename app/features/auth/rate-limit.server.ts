import { eq, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { rateLimits } from "~db/schema";

export type Limit = { key: string; max: number; windowSeconds: number };
export type LimitState = { limited: false } | { limited: true; retryAfterSeconds: number };

/**
 * Whether a key has used up its allowance in the current window. Fixed windows, counted in the database
 * so that every app instance sees the same count.
 */
export async function checkLimit(db: Db, limit: Limit): Promise<LimitState> {
  const [row] = await db
    .select({
      count: rateLimits.count,
      secondsLeft: sql<number>`ceil(extract(epoch from (${rateLimits.windowStartedAt} + make_interval(secs => ${limit.windowSeconds}) - now())))::int`,
    })
    .from(rateLimits)
    .where(eq(rateLimits.key, limit.key));
  if (!row || row.secondsLeft <= 0 || row.count < limit.max) return { limited: false };
  return { limited: true, retryAfterSeconds: Math.max(1, row.secondsLeft) };
}

/** Counts one more hit against a key: atomically, in one statement, whatever the concurrency. */
export async function recordHit(db: Db, limit: Omit<Limit, "max">): Promise<number> {
  const window = sql`make_interval(secs => ${limit.windowSeconds})`;
  const expired = sql`${rateLimits.windowStartedAt} + ${window} <= now()`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key: limit.key, windowStartedAt: sql`now()`, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
        windowStartedAt: sql`case when ${expired} then now() else ${rateLimits.windowStartedAt} end`,
      },
    })
    .returning({ count: rateLimits.count });
  return row?.count ?? 1;
}

export async function clearHits(db: Db, key: string) {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}
