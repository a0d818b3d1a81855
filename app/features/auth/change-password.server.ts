import { eq } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { passwords } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import { hashPassword, verifyPassword } from "./password.server";
import { consumeLimits, passwordLimit, settleLimits } from "./rate-limit.server";
import { endOtherSessions } from "./session.server";

/**
 * Changes a user's password after checking the current one, and ends every other session of theirs:
 * whoever might have had the old password is signed out everywhere else. The current password is a
 * guess like a sign-in's: counted first against the account's allowance, which sign-in shares
 * (throws `RateLimitedError` once it is used up).
 */
export async function changePassword(
  db: Db,
  user: { id: string; email: string; sessionId: string | null },
  input: { currentPassword: string; newPassword: string },
  context: { clientAddress?: string | null } = {},
): Promise<"changed" | "wrong_password"> {
  const audit = { actorId: user.id, entityType: "user", entityId: user.id, clientAddress: context.clientAddress } as const;
  const account = passwordLimit(user.email);
  await consumeLimits(db, [account]);
  const [row] = await db.select({ hash: passwords.hash }).from(passwords).where(eq(passwords.userId, user.id));
  if (!row || !(await verifyPassword(row.hash, input.currentPassword))) {
    await recordAudit(db, { ...audit, action: "auth.password_change_failed" });
    return "wrong_password";
  }
  const hash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx.update(passwords).set({ hash, updatedAt: new Date() }).where(eq(passwords.userId, user.id));
    await endOtherSessions(tx, user.id, user.sessionId);
    await recordAudit(tx, { ...audit, action: "auth.password_changed" });
  });
  await settleLimits(db, { clear: [account] });
  return "changed";
}
