import { desc, sql } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { secondFactors, users } from "~db/schema";

export async function listUsers(db: Db, limit = 200) {
  return db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      createdAt: users.createdAt,
      deactivatedAt: users.deactivatedAt,
      secondFactor: sql<boolean>`exists (select 1 from ${secondFactors} where ${secondFactors.userId} = ${users.id})`,
    })
    .from(users)
    .orderBy(desc(users.createdAt))
    .limit(limit);
}
