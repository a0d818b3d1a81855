/**
 * How busy this process is, for the arrival line: the main thread's utilisation and delay over the last
 * moments, and how many password hashes wait for the thread pool (argon2id runs there, out of sight of
 * the event loop, and at 9 am it is the largest single cost).
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from "node:perf_hooks";

/**
 * Password checks in flight in this process. Kept on globalThis: server.ts and the Remix build each load
 * their own copy of the modules, and both must see one count.
 */
const HASHING = Symbol.for("yunzhen.passwordHashesInFlight");
const holder = globalThis as { [HASHING]?: { count: number } };
const hashing = (holder[HASHING] ??= { count: 0 });

/** Counts a password hash while it runs. */
export async function countedHash<T>(work: () => Promise<T>): Promise<T> {
  hashing.count++;
  try {
    return await work();
  } finally {
    hashing.count--;
  }
}

export type LoadReading = {
  /** Share of the last window the event loop was busy (0–1). */
  utilisation: number;
  /** 99th percentile of the event loop's delay over the last window, in ms. */
  delayP99: number;
  /** Password hashes waiting for or running on the thread pool now. */
  hashesInFlight: number;
};

/** Samples the event loop every `windowMs`; `read()` gives the last complete window. */
export function createLoadGauge(windowMs = 250) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let reading: LoadReading = { utilisation: 0, delayP99: 0, hashesInFlight: 0 };
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    reading = {
      utilisation: performance.eventLoopUtilization(now, last).utilization,
      delayP99: delay.percentile(99) / 1e6,
      hashesInFlight: hashing.count,
    };
    last = now;
    delay.reset();
  }, windowMs);
  timer.unref();
  return {
    read: (): LoadReading => ({ ...reading, hashesInFlight: hashing.count }),
    close() {
      clearInterval(timer);
      delay.disable();
    },
  };
}
