/**
 * `npm run db:migrate`: applies pending migrations to the database the environment names and exits.
 * With DATABASE_OWNER_URL set, the owner applies them and grants DATABASE_URL's role what the app needs
 * (the server does the same at every start); useful when deploys migrate before they start the app.
 */
import { EnvError, readEnv } from "~/utils/env.server";
import { DatabaseRoleError, openDatabase } from "./client.server";
import { DatabaseInUseError } from "./data-directory-lock";

try {
  const env = readEnv();
  const handle = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    ownerUrl: env.DATABASE_OWNER_URL,
    pgliteDir: env.PGLITE_DIR,
    poolSize: 2,
  });
  await handle.close();
  console.log(
    env.DATABASE_OWNER_URL
      ? "Migrations applied by the owner role; DATABASE_URL's role may read and write rows, and only add to the audit trail."
      : `The database is up to date (${handle.driver}).`,
  );
} catch (error) {
  const explained = error instanceof DatabaseRoleError || error instanceof EnvError || error instanceof DatabaseInUseError;
  console.error(explained ? error.message : error);
  process.exit(1);
}
