import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import type { Role } from "~/domain/vocabulary";
import { passwords, secondFactors, users } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import { verifyPassword } from "./password.server";
import { consumeLimits, passwordLimit, RateLimitedError, settleLimits, type RateLimits } from "./rate-limit.server";

export type SignInResult =
  /** `secondFactor`: the password was right and a code from the authenticator app must follow. */
  | { ok: true; userId: string; role: Role; secondFactor: boolean }
  | { ok: false; reason: "invalid" }
  /** Said only after the right password: a wrong one never learns whether the account is deactivated. */
  | { ok: false; reason: "deactivated" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/**
 * Every attempt is counted before its password is checked (the account's and the address's counters,
 * in one statement), so no number of concurrent guesses gets more than the allowance judged. A success
 * clears the account's count and gives the address its hit back.
 */
export async function signIn(
  db: Db,
  input: { email: string; password: string; clientAddress: string },
  limits: RateLimits,
): Promise<SignInResult> {
  const account = passwordLimit(input.email);
  const address = limits.signInAddress(input.clientAddress);
  try {
    await consumeLimits(db, [account, address]);
  } catch (error) {
    if (error instanceof RateLimitedError) return { ok: false, reason: "rate_limited", retryAfterSeconds: error.retryAfterSeconds };
    throw error;
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
    await settleLimits(db, { clear: [account], refund: [address] });
    if (row.deactivatedAt) {
      await recordFailedSignIn(db, row.id, input, { reason: "deactivated" });
      return { ok: false, reason: "deactivated" };
    }
    return { ok: true, userId: row.id, role: row.role, secondFactor: row.secondFactor !== null };
  }
  if (!row) await verifyPassword(null, input.password);
  await recordFailedSignIn(db, row?.id ?? null, input);
  return { ok: false, reason: "invalid" };
}

/**
 * A failed sign-in has no transaction of its own: its audit row is written alone. It names the account
 * when the email is one; an unknown email is kept only as its SHA-256, so that repeated tries of the same
 * address can be told apart without the trail holding addresses people mistyped. (Refusals by the limit
 * are not written one by one: anyone could fill the trail with them, and hold its lock, at will.)
 */
async function recordFailedSignIn(
  db: Db,
  userId: string | null,
  input: { email: string; clientAddress: string },
  detail: Record<string, unknown> = {},
) {
  await recordAudit(db, {
    actorId: null,
    action: "auth.sign_in_failed",
    entityType: "user",
    entityId: userId ?? "unknown",
    clientAddress: input.clientAddress,
    detail: userId ? detail : { emailSha256: createHash("sha256").update(input.email.toLowerCase()).digest("hex") },
  });
}
