import type { RequestHandler } from "express";

/** After SIGTERM, requests are still accepted this long (load balancers see /healthz 503 meanwhile). */
const DRAIN_GRACE_MS = 1_000;
/** … and then until no request has been in flight for this long (a busy server may not have read them all yet). */
const DRAIN_QUIET_MS = 300;

export type Drain = {
  /** Middleware counting the requests in flight. */
  track: RequestHandler;
  /** True from the moment the drain began: /healthz answers 503 so that load balancers move away. */
  readonly draining: boolean;
  /**
   * Begins the drain: requests are still served for a grace second, then `close` is called once nothing
   * has been in flight for a moment. Connections accepted but not yet read count as idle for Node and
   * would be reset by a close, hence the quiet moment.
   */
  begin(close: () => void): void;
};

export function createDrain(): Drain {
  let active = 0;
  let lastRequestAt = 0;
  let draining = false;
  return {
    // An event stream is never "done": the drain's close ends it, and the browser reconnects elsewhere.
    track(req, res, next) {
      if (req.headers.accept === "text/event-stream") return next();
      active++;
      lastRequestAt = Date.now();
      res.once("close", () => {
        active--;
        lastRequestAt = Date.now();
      });
      next();
    },
    get draining() {
      return draining;
    },
    begin(close) {
      draining = true;
      const drained = () => active === 0 && Date.now() - lastRequestAt >= DRAIN_QUIET_MS;
      const closeWhenDrained = () => (drained() ? close() : setTimeout(closeWhenDrained, 50));
      setTimeout(closeWhenDrained, DRAIN_GRACE_MS);
    },
  };
}
