import { describe, expect, it } from "vitest";
import { joinSessionMayOpen } from "~/features/consultation/join-link-scope";

const mine = "7d1f3c2a-0000-4000-8000-000000000001";
const other = "7d1f3c2a-0000-4000-8000-000000000002";

describe("a session a join link opened", () => {
  it("opens its appointment's room, its data and its call token", () => {
    expect(joinSessionMayOpen(`/consult/${mine}`, mine)).toBe(true);
    expect(joinSessionMayOpen(`/consult/${mine}/token`, mine)).toBe(true);
  });

  it("may switch the language and sign out", () => {
    expect(joinSessionMayOpen("/locale", mine)).toBe(true);
    expect(joinSessionMayOpen("/logout", mine)).toBe(true);
  });

  it("opens no other room, no other page of the patient's, and no look-alike path", () => {
    for (const path of [`/consult/${other}`, "/appointments", `/appointments/${mine}`, "/", "/account/password", "/doctors", `/consult/${mine}x`, `/consult/${mine.slice(0, -1)}`]) {
      expect(joinSessionMayOpen(path, mine), path).toBe(false);
    }
  });
});
