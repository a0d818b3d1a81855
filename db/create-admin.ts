/**
 * `npm run create-admin`: the first admin of a hospital's own deployment. Asks for the email, the name
 * and the password (typed twice, not shown); for automation, `--email`, `--name` and the environment
 * variables ADMIN_EMAIL, ADMIN_NAME and ADMIN_PASSWORD answer instead (a password is never a flag: it
 * would show in the process list and the shell's history). Refuses while an active admin exists unless
 * `--force`. The new admin sets up an authenticator app at its first sign-in.
 *
 * On the embedded database, stop the server first: only one process may open its folder.
 */
import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { createAdminAccount } from "~/features/accounts/create-admin.server";
import { translator, type MessageKey } from "~/i18n";
import { readEnv } from "~/utils/env.server";
import { openDatabase } from "./client.server";

const USAGE = `Usage: npm run create-admin [-- --email EMAIL --name NAME --force]
  The password is asked for (not shown), or read from ADMIN_PASSWORD.
  ADMIN_EMAIL and ADMIN_NAME may stand for --email and --name.
  --force  create another admin although one exists (e.g. the only admin's account is lost)`;

async function ask(question: string, hidden = false): Promise<string> {
  // The terminal's echo goes through this stream: muted while a password is typed.
  let muted = false;
  const output = new Writable({
    write(chunk, encoding, done) {
      if (!muted) process.stdout.write(chunk, encoding);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    if (!hidden) return await rl.question(question);
    process.stdout.write(question);
    muted = true;
    return await rl.question("");
  } finally {
    muted = false;
    if (hidden) process.stdout.write("\n");
    rl.close();
  }
}

async function answer(given: string | undefined, name: string, question: string, hidden = false): Promise<string> {
  if (given !== undefined && given !== "") return given;
  if (!process.stdin.isTTY) throw new UsageError(`${name} is missing (no terminal to ask on).`);
  const first = await ask(question, hidden);
  if (!hidden) return first;
  if ((await ask("Type the password again: ", true)) !== first) throw new UsageError("The two passwords differ.");
  return first;
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      name: { type: "string" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const email = await answer(values.email ?? process.env.ADMIN_EMAIL, "--email (or ADMIN_EMAIL)", "Admin's email: ");
  const fullName = await answer(values.name ?? process.env.ADMIN_NAME, "--name (or ADMIN_NAME)", "Admin's full name: ");
  const password = await answer(process.env.ADMIN_PASSWORD, "ADMIN_PASSWORD", "Password (at least 10 characters): ", true);

  const env = readEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR });
  try {
    const result = await createAdminAccount(handle.db, { email, fullName, password }, { force: values.force });
    if (result.ok) {
      console.log(`Created the admin ${result.email} (${handle.driver}).`);
      console.log("Sign in at /login: the first sign-in asks to set up an authenticator app (two-step sign-in).");
      return 0;
    }
    if (result.reason === "admin_exists") {
      console.error("An admin account already exists: nothing was created. Add --force to create another one.");
    } else if (result.reason === "email_taken") {
      console.error(`An account with the email ${email} already exists: nothing was created.`);
    } else if (result.reason === "invalid") {
      const t = translator("en");
      for (const [field, key] of Object.entries(result.fields)) console.error(`${field}: ${t(key as MessageKey)}`);
    }
    return 1;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : error);
    process.exit(1);
  },
);
