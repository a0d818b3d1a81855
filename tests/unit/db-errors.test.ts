import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, isUniqueViolation } from "~/utils/db-errors.server";

const wrapped = (cause: unknown) => Object.assign(new Error("Failed query"), { cause });

describe("telling an unreachable database from a bad query", () => {
  it.each(["ECONNREFUSED", "CONNECTION_CLOSED", "CONNECT_TIMEOUT", "57P01", "57P03", "08006", "08001"])(
    "counts %s, bare or wrapped by the ORM, as the database being away",
    (code) => {
      expect(isDatabaseUnavailable(Object.assign(new Error(code), { code }))).toBe(true);
      expect(isDatabaseUnavailable(wrapped(Object.assign(new Error(code), { code })))).toBe(true);
    },
  );

  it.each(["23505", "23P01", "42P01", "22P02", "40001", undefined])("does not count %s as an outage", (code) => {
    expect(isDatabaseUnavailable(wrapped(Object.assign(new Error("x"), { code })))).toBe(false);
  });

  it("still recognises a unique violation through the wrapper", () => {
    expect(isUniqueViolation(wrapped({ code: "23505", constraint_name: "users_email_key" }), "users_email_key")).toBe(true);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

describe("telling text the database cannot store", () => {
  it("counts a NUL character or an untranslatable one as the sender's mistake, and nothing else", async () => {
    const { isUnstorableText } = await import("~/utils/db-errors.server");
    expect(isUnstorableText(wrapped(Object.assign(new Error("invalid byte sequence"), { code: "22021" })))).toBe(true);
    expect(isUnstorableText(Object.assign(new Error("x"), { code: "22P05" }))).toBe(true);
    expect(isUnstorableText(wrapped(Object.assign(new Error("x"), { code: "23505" })))).toBe(false);
    expect(isUnstorableText(new Error("plain"))).toBe(false);
  });
});
