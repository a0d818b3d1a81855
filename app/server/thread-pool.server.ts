/**
 * libuv's thread pool, four threads unless told otherwise, runs both argon2id (8–13 ms of CPU per
 * sign-in, @node-rs/argon2) and zlib's compression of every page and answer. At 9 am the four threads
 * filled with password hashes and every answer queued behind them to be compressed: with room for the
 * hashes the arrival line lets run at once (its `busyHashes`) and four threads more, 907 of 2,000
 * patients checked in inside the surge's first minute instead of 586–598 (`npm run bench -- surge`, see
 * the README). The threads add no CPU: they let a 0.2 ms compression run beside a hash instead of after
 * it. libuv reads the size when the pool first takes work, so server.ts imports this module before
 * anything else; workers inherit it. An operator's own UV_THREADPOOL_SIZE is kept.
 */
import { DEFAULT_THRESHOLDS } from "./arrival-line.server";

// libuv's own variable, not the app's configuration (readEnv): written here, read by libuv alone.
// eslint-disable-next-line no-restricted-properties
process.env.UV_THREADPOOL_SIZE ??= String(DEFAULT_THRESHOLDS.busyHashes + 4);
