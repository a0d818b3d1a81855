import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { consumeLimit, RateLimitedError } from "~/features/auth/rate-limit.server";
import { LIMITS } from "../helpers/config";
import { createTestDatabase, resetDatabase } from "../helpers/database";

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});
beforeEach(async () => {
  await resetDatabase(handle);
});

describe("rate limits", () => {
  it("refuse registration, booking, tokens and signalling joins past their allowance, with a retry time", async () => {
    for (const limit of [LIMITS.register("203.0.113.9"), LIMITS.book("p1"), LIMITS.token("u1"), LIMITS.signalJoin("u1")]) {
      for (let i = 0; i < limit.max; i++) await consumeLimit(handle.db, limit);
      const refused = await consumeLimit(handle.db, limit).catch((e: unknown) => e);
      expect(refused, limit.key).toBeInstanceOf(RateLimitedError);
      expect((refused as RateLimitedError).status).toBe(429);
      expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
      expect((refused as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(limit.windowSeconds);
    }
  });

  it("count concurrent requests exactly: never more than the allowance gets through", async () => {
    const limit = { key: "burst", max: 10, windowSeconds: 60 };
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => consumeLimit(handle.db, limit)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    const after = await consumeLimit(handle.db, limit).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(RateLimitedError);
  });

  it("refuse rather than wave through when their store fails", async () => {
    const broken = await createTestDatabase();
    await broken.close();
    await expect(consumeLimit(broken.db, LIMITS.book("p2"))).rejects.toBeTruthy();
  });
});
