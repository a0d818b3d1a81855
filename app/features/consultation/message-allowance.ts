/** Token bucket per socket: a burst of 60 messages, refilled at 20 a second. */
const BUCKET_SIZE = 60;
const REFILL_PER_SECOND = 20;
/** A socket that keeps flooding after being throttled this many times is closed. */
const MAX_DROPPED = 200;

/** How many messages a socket may still send at once, and how often it was refused. */
export type Allowance = { tokens: number; lastRefill: number; dropped: number };

export const freshAllowance = (now: number): Allowance => ({ tokens: BUCKET_SIZE, lastRefill: now, dropped: 0 });

/**
 * Whether one more message from a socket is taken at `now` (ms): "take" it, "drop" it (a flood), or
 * "close" the socket (a flood that would not stop). Updates the allowance.
 */
export function admitMessage(allowance: Allowance, now: number): "take" | "drop" | "close" {
  allowance.tokens = Math.min(BUCKET_SIZE, allowance.tokens + (Math.max(0, now - allowance.lastRefill) / 1000) * REFILL_PER_SECOND);
  allowance.lastRefill = now;
  if (allowance.tokens < 1) {
    allowance.dropped++;
    return allowance.dropped > MAX_DROPPED ? "close" : "drop";
  }
  allowance.tokens -= 1;
  return "take";
}
