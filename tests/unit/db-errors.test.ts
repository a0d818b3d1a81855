import { DrizzleQueryError } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { describeError, isDatabaseUnavailable, isUniqueViolation } from "~/utils/db-errors.server";

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

describe("what the server's error log says about a failed query", () => {
  // As drizzle and the drivers report them: the parameters in drizzle's message, values quoted by PostgreSQL.
  const failedQuery = (cause: Record<string, unknown>) =>
    new DrizzleQueryError('select "id" from "users" where "users"."email" = $1 and "users"."id" = $2', ["wang.fang@example.com", "XK99-not-an-id"], Object.assign(new Error(String(cause.message)), cause));

  it("names the SQLSTATE, the constraint, the table and the query, never a parameter or a quoted value", () => {
    const text = describeError(
      failedQuery({ code: "23505", constraint: "users_email_key", table: "users", detail: "Key (lower(email))=(wang.fang@example.com) already exists.", message: 'duplicate key value violates unique constraint "users_email_key"' }),
    );
    expect(text).toContain("23505");
    expect(text).toContain("users_email_key");
    expect(text).toContain('from "users" where');
    expect(text).not.toContain("wang.fang");
    expect(text).not.toContain("XK99");
  });

  it("leaves out PostgreSQL's message, which may quote the value it refused", () => {
    const text = describeError(failedQuery({ code: "22P02", routine: "string_to_uuid", message: 'invalid input syntax for type uuid: "XK99-not-an-id"' }));
    expect(text).toContain("22P02");
    expect(text).not.toContain("XK99");
    expect(text).not.toContain("wang.fang");
    // Where it happened is kept: the stack's frames, without the message's lines.
    expect(text).toMatch(/\n\s+at /);
  });

  it("describes a driver's own error (postgres.js, no ORM around it) the same way", () => {
    const text = describeError(Object.assign(new Error('invalid input syntax for type uuid: "XK99-not-an-id"'), { code: "22P02", constraint_name: undefined }));
    expect(text).toContain("22P02");
    expect(text).not.toContain("XK99");
  });

  it("keeps every other error as it is", () => {
    const text = describeError(new RangeError("not a local date: 10000-01-03"));
    expect(text).toContain("RangeError: not a local date: 10000-01-03");
  });
});
