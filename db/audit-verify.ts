/**
 * `npm run audit:verify [-- --anchor <No.>:<hash>]`: walks the audit trail's hash chain in the database
 * the environment names and names the first broken link (row id, time, and what is wrong). Exits 0 when
 * the chain holds, 1 when it is broken, 2 when it could not be checked. It only reads; on the embedded
 * database, stop the server first (one process per data directory).
 */
import { parseArgs } from "node:util";
import { describeChainProblem, verifyAuditChain } from "~/features/audit/verify-chain.server";
import { EnvError, readEnv } from "~/utils/env.server";
import { openDatabase } from "./client.server";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { anchor: { type: "string" } } });
  let anchor: { seq: number; hash: string } | undefined;
  if (values.anchor) {
    const match = /^(\d+):([0-9a-f]{64})$/.exec(values.anchor.trim());
    if (!match) {
      console.error("--anchor must be <No.>:<64 hex digits>, as printed by an earlier run");
      return 2;
    }
    anchor = { seq: Number(match[1]), hash: match[2]! };
  }
  const env = readEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR, poolSize: 1, migrate: false });
  try {
    const started = performance.now();
    const report = await verifyAuditChain(handle.db, { anchor });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (!report.ok) {
      console.log(`Audit trail BROKEN after ${report.rows} intact rows: ${describeChainProblem(report.problem)}`);
      return 1;
    }
    if (!report.head) {
      console.log("Audit trail: empty.");
      return 0;
    }
    console.log(`Audit trail intact: ${report.rows} rows, No. 1–${report.head.seq}, checked in ${seconds} s.`);
    console.log(`Head: row id ${report.head.id}, ${report.head.at}.`);
    console.log("Keep this line somewhere else: it lets a later run show rows removed from the end, or a rewritten chain:");
    console.log(`  npm run audit:verify -- --anchor ${report.head.seq}:${report.head.hash}`);
    return 0;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof EnvError ? error.message : "Could not check the audit trail:", error instanceof EnvError ? "" : error);
    process.exit(2);
  },
);
