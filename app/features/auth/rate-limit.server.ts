import { eq, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { rateLimits } from "~db/schema";
import { DomainError } from "~/utils/errors";

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
export async function recordHit(db: Db, limit: Omit<Limit, "max">): Promise<{ count: number; secondsLeft: number }> {
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
    .returning({
      count: rateLimits.count,
      secondsLeft: sql<number>`ceil(extract(epoch from (${rateLimits.windowStartedAt} + ${window} - now())))::int`,
    });
  return { count: row?.count ?? 1, secondsLeft: row?.secondsLeft ?? limit.windowSeconds };
}

export async function clearHits(db: Db, key: string) {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}

export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, "error.rateLimited", { retryAfterSeconds });
  }
}

/**
 * Counts one request against a limit and refuses it (429) once the limit is used up. The count lives in
 * the database: if the database cannot count, the request fails too — a limiter never waves requests
 * through.
 */
export async function consumeLimit(db: Db, limit: Limit): Promise<void> {
  // Count first, atomically, then judge: concurrent requests can never slip past the allowance.
  const { count, secondsLeft } = await recordHit(db, limit);
  if (count > limit.max) throw new RateLimitedError(Math.max(1, secondsLeft));
}

/** RATE_LIMIT_SCALE multiplies every allowance (the end-to-end suite registers hundreds from one address). */
const scaled = (max: number) => max * Math.max(1, Number(process.env.RATE_LIMIT_SCALE) || 1);

/** The limits of actions that cost the clinic something. */
export const LIMITS = {
  register: (address: string): Limit => ({ key: `register:address:${address}`, max: scaled(20), windowSeconds: 600 }),
  book: (patientId: string): Limit => ({ key: `book:patient:${patientId}`, max: scaled(20), windowSeconds: 60 }),
  token: (userId: string): Limit => ({ key: `token:user:${userId}`, max: scaled(30), windowSeconds: 60 }),
  signalJoin: (userId: string): Limit => ({ key: `signal:user:${userId}`, max: scaled(30), windowSeconds: 60 }),
};
