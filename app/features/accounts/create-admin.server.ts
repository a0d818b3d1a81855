import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "~db/client.server";
import { users } from "~db/schema";
import { createAccount, EmailTakenError } from "./create-account.server";
import { email, fullName, newPassword } from "./schemas.server";

const adminInput = z.object({ email, fullName, password: newPassword });

export type CreateAdminResult =
  | { ok: true; userId: string; email: string }
  | { ok: false; reason: "admin_exists" | "email_taken" }
  | { ok: false; reason: "invalid"; fields: Record<string, string> };

/**
 * The first admin of a hospital's own deployment (`npm run create-admin`): a database starts with no
 * account at all, so no password is known to anyone but the person who types it here. Refused while an
 * active admin exists, unless `force` (a lost admin account). Audited as `account.created` with no actor.
 */
export async function createAdminAccount(
  db: Db,
  input: { email: string; fullName: string; password: string },
  options: { force: boolean },
): Promise<CreateAdminResult> {
  const parsed = adminInput.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
    return { ok: false, reason: "invalid", fields };
  }
  if (!options.force && (await countActiveAdmins(db)) > 0) return { ok: false, reason: "admin_exists" };
  try {
    const { userId } = await createAccount(
      db,
      { email: parsed.data.email, password: parsed.data.password, displayName: parsed.data.fullName, role: "admin" },
      undefined,
      { actorId: null, via: "create_admin" },
    );
    return { ok: true, userId, email: parsed.data.email };
  } catch (error) {
    if (error instanceof EmailTakenError) return { ok: false, reason: "email_taken" };
    throw error;
  }
}

export async function countActiveAdmins(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.deactivatedAt)));
  return row?.n ?? 0;
}
