import { eq, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { passwords, secondFactors, users } from "~db/schema";
import { verifyPassword } from "./password.server";
import type { Role } from "./roles";
import { checkLimit, clearHits, recordHit, type Limit } from "./rate-limit.server";

/** Ten failed sign-ins per account a minute; more per address, since many patients share a network. */
const ACCOUNT_LIMIT = { max: 10, windowSeconds: 60 };
const ADDRESS_LIMIT = { max: 50, windowSeconds: 60 };

export type SignInResult =
  /** `secondFactor`: the password was right and a code from the authenticator app must follow. */
  | { ok: true; userId: string; role: Role; secondFactor: boolean }
  | { ok: false; reason: "invalid" }
  /** Said only after the right password: a wrong one never learns whether the account is deactivated. */
  | { ok: false; reason: "deactivated" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

export async function signIn(
  db: Db,
  input: { email: string; password: string; clientAddress: string },
): Promise<SignInResult> {
  const limits: Limit[] = [
    { key: `sign-in:account:${input.email.toLowerCase()}`, ...ACCOUNT_LIMIT },
    { key: `sign-in:address:${input.clientAddress}`, ...ADDRESS_LIMIT },
  ];
  for (const limit of limits) {
    const state = await checkLimit(db, limit);
    if (state.limited) return { ok: false, reason: "rate_limited", retryAfterSeconds: state.retryAfterSeconds };
  }

  const [row] = await db
    .select({
      id: users.id,
      role: users.role,
      deactivatedAt: users.deactivatedAt,
      hash: passwords.hash,
      secondFactor: secondFactors.userId,
    })
    .from(users)
    .leftJoin(passwords, eq(passwords.userId, users.id))
    .leftJoin(secondFactors, eq(secondFactors.userId, users.id))
    .where(eq(sql`lower(${users.email})`, input.email.toLowerCase()));

  if (row && (await verifyPassword(row.hash, input.password))) {
    await clearHits(db, limits[0]!.key);
    if (row.deactivatedAt) return { ok: false, reason: "deactivated" };
    return { ok: true, userId: row.id, role: row.role, secondFactor: row.secondFactor !== null };
  }
  if (!row) await verifyPassword(null, input.password);
  for (const limit of limits) await recordHit(db, limit);
  return { ok: false, reason: "invalid" };
}
