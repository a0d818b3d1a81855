/**
 * `npm run audit:verify [-- --anchor <No.>:<hash>] [--from <No.>:<hash>]`: walks the audit trail's hash
 * chain in the database the environment names and names the first broken link (row id, time, and what is
 * wrong). `--anchor` is a head printed by an earlier run, which must still be there; `--from` starts after
 * such a head and checks only the rows written since. Exits 0 when the chain holds, 1 when it is broken,
 * 2 when it could not be checked. It only reads; on the embedded database, stop the server first (one
 * process per data directory).
 */
import { parseArgs } from "node:util";
import { describeChainProblem, verifyAuditChain } from "~/features/audit/verify-chain.server";
import { EnvError, readEnv } from "~/utils/env.server";
import { openDatabase } from "./client.server";
import { DatabaseInUseError } from "./data-directory-lock";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { anchor: { type: "string" }, from: { type: "string" } } });
  const head = (option: "anchor" | "from") => {
    const text = values[option];
    if (!text) return undefined;
    const match = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
    if (!match) throw new UsageError(`--${option} must be <No.>:<64 hex digits>, as printed by an earlier run`);
    return { seq: Number(match[1]), hash: match[2]! };
  };
  let anchor: { seq: number; hash: string } | undefined;
  let after: { seq: number; hash: string } | undefined;
  try {
    anchor = head("anchor");
    after = head("from");
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const env = readEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR, poolSize: 1, migrate: false });
  try {
    const started = performance.now();
    const report = await verifyAuditChain(handle.db, { anchor, after });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (!report.ok) {
      console.log(`Audit trail BROKEN after ${report.rows} intact rows: ${describeChainProblem(report.problem)}`);
      return 1;
    }
    if (!report.head) {
      console.log(after ? `Audit trail: no rows after No. ${after.seq}.` : "Audit trail: empty.");
      return 0;
    }
    console.log(`Audit trail intact: ${report.rows} rows, No. ${(after?.seq ?? 0) + 1}–${report.head.seq}, checked in ${seconds} s.`);
    console.log(`Head: row id ${report.head.id}, ${report.head.at}.`);
    console.log("Keep these lines somewhere else. The first shows later whether rows were removed from the end or the");
    console.log("chain rewritten; the second checks only the rows written since this run:");
    console.log(`  npm run audit:verify -- --anchor ${report.head.seq}:${report.head.hash}`);
    console.log(`  npm run audit:verify -- --from ${report.head.seq}:${report.head.hash}`);
    return 0;
  } finally {
    await handle.close();
  }
}

class UsageError extends Error {}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A bad environment, or the embedded database held by a running server: the message says what to do.
    if (error instanceof EnvError || error instanceof DatabaseInUseError) console.error(error.message);
    else console.error("Could not check the audit trail:", error);
    process.exit(2);
  },
);
