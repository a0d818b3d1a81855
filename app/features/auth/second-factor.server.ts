/**
 * Second factors: turning one on (enrolment), the second step of a sign-in, turning it off, and an
 * admin's reset for someone who lost their phone. The rules of codes are in `second-factor-codes.server.ts`.
 */
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import type { Role } from "~/domain/vocabulary";
import { passwords, recoveryCodes, secondFactors, users } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import { mayResetSecondFactor, type AccountActor } from "~/features/accounts/account-rules";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { verifyPassword } from "./password.server";
import { consumeLimit, RateLimitedError, settleLimits, type Limit } from "./rate-limit.server";
import { mayUseSecondFactor } from "./roles";
import {
  canonicalRecoveryCode,
  checkTotp,
  hashRecoveryCode,
  isTotpSecret,
  newRecoveryCodes,
} from "./second-factor-codes.server";
import {
  endAllSessions,
  endOtherSessions,
  forgetCachedSessions,
  forgetSecondFactorProofs,
  markSecondFactorProved,
  startSession,
} from "./session.server";

/**
 * Five tries per account in five minutes, counted before the code is looked at (so that concurrent
 * guesses cannot slip past), the right one included; a success clears the count. Six digits and three
 * accepted codes at a time leave a guesser about one chance in 70,000 per window.
 */
const codeLimit = (userId: string): Limit => ({ key: `second-factor:user:${userId}`, max: 5, windowSeconds: 300 });

type Limited = { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

async function countAttempt(db: Db, userId: string): Promise<Limited | null> {
  try {
    await consumeLimit(db, codeLimit(userId));
    return null;
  } catch (error) {
    if (error instanceof RateLimitedError) return { ok: false, reason: "rate_limited", retryAfterSeconds: error.retryAfterSeconds };
    throw error;
  }
}

export type SecondFactorStatus = { enabled: boolean; recoveryCodesLeft: number };

export async function getSecondFactorStatus(db: Db, userId: string): Promise<SecondFactorStatus> {
  const [row] = await db
    .select({
      enabled: sql<boolean>`exists (select 1 from ${secondFactors} where ${secondFactors.userId} = ${userId})`,
      left: sql<number>`(select count(*)::int from ${recoveryCodes} where ${recoveryCodes.userId} = ${userId} and ${recoveryCodes.usedAt} is null)`,
    })
    .from(sql`(select 1) as one`);
  return { enabled: Boolean(row?.enabled), recoveryCodesLeft: row?.left ?? 0 };
}

export type EnableResult =
  | { ok: true; recoveryCodes: string[] }
  | { ok: false; reason: "wrong_code" | "already_enabled" | "not_allowed" }
  | Limited;

/**
 * Turns on a second factor once the person typed a code their app shows for `secret` (the secret the
 * enrolment page gave them). In one transaction: the factor (its code counts as used), ten recovery
 * codes (only their hashes are kept; the codes are returned to be shown once), this session marked as
 * having proved it, every other session of the person ended, and the audit event.
 */
export async function enableSecondFactor(
  db: Db,
  user: { id: string; role: Role; sessionId: string },
  input: { secret: string; code: string },
  clientAddress: string | null,
  now = new Date(),
): Promise<EnableResult> {
  if (!mayUseSecondFactor(user.role) || !isTotpSecret(input.secret)) return { ok: false, reason: "not_allowed" };
  const limited = await countAttempt(db, user.id);
  if (limited) return limited;
  const check = checkTotp(input.secret, input.code, now.getTime(), null);
  if (!check.ok) return { ok: false, reason: "wrong_code" };
  const codes = newRecoveryCodes();
  const enabled = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(secondFactors)
      .values({ userId: user.id, secret: input.secret, lastUsedStep: check.step })
      .onConflictDoNothing()
      .returning({ userId: secondFactors.userId });
    if (!row) return false;
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    await tx.insert(recoveryCodes).values(codes.map((code) => ({ userId: user.id, codeHash: hashRecoveryCode(canonicalRecoveryCode(code)!) })));
    await markSecondFactorProved(tx, { userId: user.id, sessionId: user.sessionId });
    await endOtherSessions(tx, user.id, user.sessionId);
    await recordAudit(tx, { actorId: user.id, action: "second_factor.enabled", entityType: "user", entityId: user.id, clientAddress });
    return true;
  });
  if (!enabled) return { ok: false, reason: "already_enabled" };
  forgetCachedSessions(db, user.id);
  await settleLimits(db, { clear: [codeLimit(user.id)] });
  return { ok: true, recoveryCodes: codes };
}

/**
 * Spends a code of a person's second factor: a TOTP code (never one already used, nor an older one) or
 * one of their unused recovery codes. Each "use" is one conditional UPDATE, so two requests with the
 * same code can never both succeed.
 */
async function spendCode(db: Db, userId: string, typed: string, now: Date): Promise<"totp" | "recovery" | null> {
  const [factor] = await db
    .select({ secret: secondFactors.secret, lastUsedStep: secondFactors.lastUsedStep })
    .from(secondFactors)
    .where(eq(secondFactors.userId, userId));
  if (!factor) return null;
  const check = checkTotp(factor.secret, typed, now.getTime(), factor.lastUsedStep);
  if (check.ok) {
    const [used] = await db
      .update(secondFactors)
      .set({ lastUsedStep: check.step })
      .where(
        and(
          eq(secondFactors.userId, userId),
          or(isNull(secondFactors.lastUsedStep), lt(secondFactors.lastUsedStep, check.step)),
        ),
      )
      .returning({ userId: secondFactors.userId });
    return used ? "totp" : null;
  }
  if (check.reason !== "malformed") return null;
  const canonical = canonicalRecoveryCode(typed);
  if (!canonical) return null;
  const [used] = await db
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, hashRecoveryCode(canonical)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  return used ? "recovery" : null;
}

export type SecondStepResult = { ok: true; setCookie: string; role: Role } | { ok: false; reason: "wrong_code" } | Limited;

/**
 * The second step of a sign-in: the password was right (the pending session says whose), now the code.
 * On success the pending session is replaced by a new one (a new token) that counts as signed in.
 */
export async function finishSignIn(
  db: Db,
  pending: { userId: string },
  input: { code: string; cookieHeader: string | null; clientAddress: string | null; secureCookies: boolean },
  now = new Date(),
): Promise<SecondStepResult> {
  const limited = await countAttempt(db, pending.userId);
  if (limited) return limited;
  const method = await db.transaction(async (tx) => {
    const spent = await spendCode(tx, pending.userId, input.code, now);
    if (spent === "recovery") {
      await recordAudit(tx, {
        actorId: pending.userId,
        action: "second_factor.recovery_code_used",
        entityType: "user",
        entityId: pending.userId,
        clientAddress: input.clientAddress,
      });
    }
    return spent;
  });
  if (!method) return { ok: false, reason: "wrong_code" };
  await settleLimits(db, { clear: [codeLimit(pending.userId)] });
  const [user] = await db.select({ role: users.role }).from(users).where(eq(users.id, pending.userId));
  if (!user) return { ok: false, reason: "wrong_code" };
  const setCookie = await startSession(db, pending.userId, input.cookieHeader, "second_factor", { clientAddress: input.clientAddress, secureCookies: input.secureCookies });
  return { ok: true, setCookie, role: user.role };
}

/**
 * Turns a person's own second factor off, after their password. No session of theirs counts as having
 * proved one any more: an admin is sent to set one up again at once.
 */
export async function disableSecondFactor(
  db: Db,
  user: { id: string },
  password: string,
  clientAddress: string | null,
): Promise<"disabled" | "wrong_password" | Limited> {
  const limited = await countAttempt(db, user.id);
  if (limited) return limited;
  const [row] = await db.select({ hash: passwords.hash }).from(passwords).where(eq(passwords.userId, user.id));
  if (!row || !(await verifyPassword(row.hash, password))) return "wrong_password";
  await settleLimits(db, { clear: [codeLimit(user.id)] });
  await db.transaction(async (tx) => {
    await tx.delete(secondFactors).where(eq(secondFactors.userId, user.id));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    await forgetSecondFactorProofs(tx, user.id);
    await recordAudit(tx, { actorId: user.id, action: "second_factor.disabled", entityType: "user", entityId: user.id, clientAddress });
  });
  forgetCachedSessions(db, user.id);
  return "disabled";
}

/**
 * An admin removes someone else's second factor (a lost phone and lost recovery codes). Their sessions
 * end with it; at the next sign-in they use the password alone and set a factor up again (an admin must).
 */
export async function resetSecondFactor(db: Db, actor: AccountActor, targetUserId: string, clientAddress: string | null) {
  await db.transaction(async (tx) => {
    const [target] = await tx.select({ id: users.id, role: users.role }).from(users).where(eq(users.id, targetUserId)).for("update");
    if (!target) throw new NotFoundError();
    if (!mayResetSecondFactor(actor, target)) throw new ForbiddenError();
    const removed = await tx.delete(secondFactors).where(eq(secondFactors.userId, target.id)).returning({ userId: secondFactors.userId });
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, target.id));
    if (!removed.length) return;
    await endAllSessions(tx, target.id);
    await recordAudit(tx, { actorId: actor.id, action: "second_factor.reset", entityType: "user", entityId: target.id, clientAddress });
  });
  forgetCachedSessions(db, targetUserId);
}
