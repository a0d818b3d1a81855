import { describe, expect, it } from "vitest";
import { admitMessage, freshAllowance } from "~/features/consultation/message-allowance";

describe("a socket's message allowance", () => {
  it("takes a burst of 60 messages at once, then drops the rest", () => {
    const allowance = freshAllowance(0);
    const verdicts = Array.from({ length: 61 }, () => admitMessage(allowance, 0));
    expect(verdicts.slice(0, 60).every((v) => v === "take")).toBe(true);
    expect(verdicts[60]).toBe("drop");
  });

  it("refills at 20 messages a second, never beyond the burst", () => {
    const allowance = freshAllowance(0);
    for (let i = 0; i < 60; i++) admitMessage(allowance, 0);
    expect(admitMessage(allowance, 50)).toBe("take"); // 50 ms: one message's worth
    expect(admitMessage(allowance, 50)).toBe("drop");
    const rested = freshAllowance(0);
    admitMessage(rested, 3_600_000);
    expect(rested.tokens).toBe(59);
  });

  it("closes a socket that keeps flooding after 200 dropped messages", () => {
    const allowance = freshAllowance(0);
    const verdicts = Array.from({ length: 261 }, () => admitMessage(allowance, 0));
    expect(verdicts.filter((v) => v === "drop")).toHaveLength(200);
    expect(verdicts.at(-1)).toBe("close");
  });

  it("is not refilled by a clock that steps back", () => {
    const allowance = freshAllowance(10_000);
    for (let i = 0; i < 60; i++) admitMessage(allowance, 10_000);
    expect(admitMessage(allowance, 5_000)).toBe("drop");
  });
});
