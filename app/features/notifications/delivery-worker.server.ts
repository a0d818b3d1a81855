import type { Db } from "~db/client.server";
import { isDatabaseUnavailable, logError } from "~/utils/db-errors.server";
import { deliverDue, type DeliveryOptions, type Transport } from "./deliver.server";

/** How often a worker looks for due messages: a confirmation leaves within this of its booking. */
const POLL_MS = 5_000;

/**
 * The outbox's worker in one server process: every few seconds, sends what is due by the process's
 * clock (`new Date()`: the server's, which the tests' clock moves). Every process runs one; their
 * claims never overlap. `stop` waits for the round in progress.
 */
export function startDeliveryWorker(
  db: Db,
  transport: Transport,
  options: DeliveryOptions & { pollMs?: number; /** Work due by the same clock first (the waitlist's lapsed offers). */ beforeRound?: (now: Date) => Promise<unknown> },
): { stop(): Promise<void> } {
  let round: Promise<unknown> = Promise.resolve();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = new Date();
    round = Promise.resolve(options.beforeRound?.(now))
      .catch((error: unknown) => (isDatabaseUnavailable(error) ? undefined : logError(error)))
      .then(() => deliverDue(db, now, transport, options))
      // The database is away, say: the next round tries again.
      .catch((error: unknown) => (isDatabaseUnavailable(error) ? undefined : logError(error)))
      .finally(() => {
        if (!stopped) schedule();
      });
  };
  const schedule = () => {
    timer = setTimeout(tick, options.pollMs ?? POLL_MS);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}
