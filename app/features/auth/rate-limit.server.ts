import { inArray, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { rateLimits } from "~db/schema";
import { DomainError } from "~/utils/errors";

export type Limit = { key: string; max: number; windowSeconds: number };

export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, "error.rateLimited", { retryAfterSeconds });
  }
}

const byKey = (a: Limit, b: Limit) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Counts one request against each limit and refuses it (429) if any of them is used up. Fixed windows,
 * counted in the database so that every app instance sees the same counts: all the limits in one
 * statement, atomically — count first, then judge, so concurrent requests can never slip past an
 * allowance. If the database cannot count, the request fails too: a limiter never waves requests
 * through.
 */
export async function consumeLimits(db: Db, limits: Limit[]): Promise<void> {
  // Rows in key order: two requests that share keys lock them in the same order, so never deadlock.
  const sorted = [...limits].sort(byKey);
  const seconds = sql`(case ${rateLimits.key} ${sql.join(
    sorted.map((l) => sql`when ${l.key} then ${l.windowSeconds}::double precision`),
    sql` `,
  )} end)`;
  const window = sql`make_interval(secs => ${seconds})`;
  const expired = sql`${rateLimits.windowStartedAt} + ${window} <= now()`;
  const rows = await db
    .insert(rateLimits)
    .values(sorted.map((l) => ({ key: l.key, windowStartedAt: sql`now()`, count: 1 })))
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
        windowStartedAt: sql`case when ${expired} then now() else ${rateLimits.windowStartedAt} end`,
      },
    })
    .returning({
      key: rateLimits.key,
      count: rateLimits.count,
      secondsLeft: sql<number>`ceil(extract(epoch from (${rateLimits.windowStartedAt} + ${window} - now())))::int`,
    });
  let retryAfterSeconds = 0;
  for (const row of rows) {
    const limit = sorted.find((l) => l.key === row.key);
    if (limit && row.count > limit.max) retryAfterSeconds = Math.max(retryAfterSeconds, row.secondsLeft, 1);
  }
  if (retryAfterSeconds > 0) throw new RateLimitedError(retryAfterSeconds);
}

export function consumeLimit(db: Db, limit: Limit): Promise<void> {
  return consumeLimits(db, [limit]);
}

/**
 * After a request that turned out well (a sign-in with the right password): `clear` starts its count
 * again, and `refund` gives back the one hit this request took. One statement; the rows are locked in
 * key order, as `consumeLimits` locks them.
 */
export async function settleLimits(db: Db, settle: { clear: Limit[]; refund?: Limit[] }) {
  const clear = settle.clear.map((l) => l.key);
  const keys = [...clear, ...(settle.refund ?? []).map((l) => l.key)];
  const locked = db.$with("locked").as(
    db.select({ key: rateLimits.key }).from(rateLimits).where(inArray(rateLimits.key, keys)).orderBy(rateLimits.key).for("update"),
  );
  await db
    .with(locked)
    .update(rateLimits)
    .set({
      count: clear.length
        ? sql`case when ${rateLimits.key} in ${clear} then 0 else greatest(${rateLimits.count} - 1, 0) end`
        : sql`greatest(${rateLimits.count} - 1, 0)`,
    })
    .where(inArray(rateLimits.key, db.select({ key: locked.key }).from(locked)));
}

/** Guesses at one account's password, through sign-in or password change: ten a minute, at any scale. */
export const passwordLimit = (email: string): Limit => ({ key: `sign-in:account:${email.toLowerCase()}`, max: 10, windowSeconds: 60 });

/**
 * The limits per address or per person's use. `scale` (RATE_LIMIT_SCALE, read once at start; 1 in a real
 * deployment) multiplies their allowances: the end-to-end suite acts as hundreds of people from one
 * address. It never touches `passwordLimit`.
 */
export function scaledLimits(scale: number) {
  const scaled = (max: number) => max * scale;
  return {
    /** Sign-ins from one address: more, since many patients share a network. */
    signInAddress: (address: string): Limit => ({ key: `sign-in:address:${address}`, max: scaled(50), windowSeconds: 60 }),
    register: (address: string): Limit => ({ key: `register:address:${address}`, max: scaled(20), windowSeconds: 600 }),
    book: (patientId: string): Limit => ({ key: `book:patient:${patientId}`, max: scaled(20), windowSeconds: 60 }),
    /** Uploads of photos and files (each re-encoded at some cost): a dozen forms a minute is plenty. */
    upload: (userId: string): Limit => ({ key: `upload:user:${userId}`, max: scaled(12), windowSeconds: 60 }),
    token: (userId: string): Limit => ({ key: `token:user:${userId}`, max: scaled(30), windowSeconds: 60 }),
    signalJoin: (userId: string): Limit => ({ key: `signal:user:${userId}`, max: scaled(30), windowSeconds: 60 }),
    /** Join links opened from one address: enough for a family's phones, far too few to guess 256 bits. */
    joinLink: (address: string): Limit => ({ key: `join-link:address:${address}`, max: scaled(20), windowSeconds: 60 }),
  };
}
export type RateLimits = ReturnType<typeof scaledLimits>;
