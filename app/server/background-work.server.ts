import type { Db } from "~db/client.server";
import { sealAuditTrail } from "~/features/audit/record-audit.server";
import { deleteExpiredSessions } from "~/features/auth/session.server";

/** How often committed audit rows are linked into the chain. */
const AUDIT_SEAL_MS = 500;
const SESSION_SWEEP_MS = 60 * 60 * 1000;

/**
 * What a server process does besides answering: links committed audit rows into the chain twice a second
 * (one sealer at a time in the whole cluster) and deletes expired sessions hourly. Returns `stop`, which
 * seals once more so that nothing this process wrote waits for another.
 */
export function startBackgroundWork(db: Db): { stop(): Promise<void> } {
  const sweep = setInterval(() => void deleteExpiredSessions(db).catch(() => {}), SESSION_SWEEP_MS);
  sweep.unref();
  let sealing = false;
  const seal = setInterval(() => {
    if (sealing) return;
    sealing = true;
    sealAuditTrail(db)
      .catch(() => {}) // the database is away: the next tick tries again
      .finally(() => (sealing = false));
  }, AUDIT_SEAL_MS);
  seal.unref();
  return {
    async stop() {
      clearInterval(sweep);
      clearInterval(seal);
      await sealAuditTrail(db).catch(() => {});
    },
  };
}
