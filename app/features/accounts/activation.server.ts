import { eq } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { users } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import { endAllSessions, forgetCachedSessions } from "~/features/auth/session.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { mayChangeActivation, type AccountActor } from "./account-rules";
import { forgetDemoAccounts } from "./demo-accounts.server";

/**
 * Deactivates (someone left) or reactivates a doctor or staff account. Deactivating ends every session
 * of the account in the same transaction, so it is signed out everywhere at once; it cannot sign in
 * again until reactivated. Nothing else changes: a doctor's appointments stay for staff to move.
 * Returns false when the account already was in that state (nothing written).
 */
export async function setAccountActive(
  db: Db,
  actor: AccountActor,
  input: { userId: string; active: boolean },
  clientAddress: string | null,
): Promise<boolean> {
  const changed = await db.transaction(async (tx) => {
    const [target] = await tx
      .select({ id: users.id, role: users.role, deactivatedAt: users.deactivatedAt })
      .from(users)
      .where(eq(users.id, input.userId))
      .for("update");
    if (!target) throw new NotFoundError();
    if (!mayChangeActivation(actor, target)) throw new ForbiddenError();
    if ((target.deactivatedAt === null) === input.active) return false;
    await tx
      .update(users)
      .set({ deactivatedAt: input.active ? null : new Date(), updatedAt: new Date() })
      .where(eq(users.id, target.id));
    if (!input.active) await endAllSessions(tx, target.id);
    await recordAudit(tx, {
      actorId: actor.id,
      action: input.active ? "account.reactivated" : "account.deactivated",
      entityType: "user",
      entityId: target.id,
      clientAddress,
      detail: { role: target.role },
    });
    return true;
  });
  if (changed) {
    forgetCachedSessions(db, input.userId);
    forgetDemoAccounts(db);
  }
  return changed;
}
