import { desc } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { users } from "~db/schema";

export async function listUsers(db: Db, limit = 200) {
  return db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      createdAt: users.createdAt,
    })
    .from(users)
    .orderBy(desc(users.createdAt))
    .limit(limit);
}
