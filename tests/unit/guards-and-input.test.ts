import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { registerForm } from "~/features/accounts/schemas.server";
import { safeRedirect } from "~/features/auth/guards.server";
import { hashToken, readSessionToken, sessionCookieName } from "~/features/auth/session.server";
import { readEnv } from "~/utils/env.server";
import { isTimeZone } from "~/utils/time-zones";
import { PLAIN_COOKIES, SESSION_COOKIE } from "../helpers/config";

describe("redirects to a target the request names", () => {
  const ORIGIN = "https://clinic.example";
  /** What a browser does with a Location header: resolve it against the page's URL (WHATWG). */
  const landsOn = (location: string) => new URL(location, `${ORIGIN}/login`);

  it.each([
    ["/appointments", "/appointments"],
    ["/doctors?department=cardiology", "/doctors?department=cardiology"],
    ["/doctors/1?start=2031-01-01T01%3A00%3A00.000Z#slots", "/doctors/1?start=2031-01-01T01%3A00%3A00.000Z#slots"],
    ["/医生", "/%E5%8C%BB%E7%94%9F"],
    ["/\u2028/evil.example", "/%E2%80%A8/evil.example"],
  ])("keeps our own path %s (as %s)", (target, expected) => {
    expect(safeRedirect(target)).toBe(expected);
  });

  it.each([
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "",
    "evil.example",
    // The reported payloads, as the form post decodes them: a tab or a newline between the slashes.
    "/\t/localhost:3301/pwned",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\t\\evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\u0000/evil.example",
    // Dot segments that a URL parser folds into "//host".
    "/.//evil.example",
    "/..//evil.example",
    "/a/../..//evil.example",
    "/%2e%2e//evil.example",
    "/./\\evil.example",
    // Still encoded (a target read from a query string twice).
    "%2F%09%2Flocalhost%3A3301%2Fpwned",
    "%2F%2Fevil.example",
  ])("refuses %j: back to the fallback", (target) => {
    expect(safeRedirect(target)).toBe("/");
    expect(safeRedirect(target, "/appointments")).toBe("/appointments");
  });

  it("stays on our origin and gives a valid header value, whatever the target", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 40 }),
          fc.array(fc.constantFrom("/", "\\", ".", "..", "%2F", "%09", "\t", "\n", "\r", " ", "evil.example", ":", "@", "?", "#", "http:", "a"), { maxLength: 12 }).map((parts) => parts.join("")),
          fc.webUrl(),
        ),
        (target) => {
          const location = safeRedirect(target);
          return /^\/(?![/\\])[\x21-\x7e]*$/.test(location) && landsOn(location).origin === ORIGIN;
        },
      ),
      { numRuns: 500 },
    );
  }, 20_000);
});

describe("registration input", () => {
  const valid = { email: " New.Patient@Example.COM ", password: "long enough pw", fullName: " 王芳 " };

  it("normalises the email and trims the name", () => {
    const parsed = registerForm.parse(valid);
    expect(parsed.email).toBe("new.patient@example.com");
    expect(parsed.fullName).toBe("王芳");
  });

  it.each([
    [{ email: "not-an-email" }, "email", "error.emailInvalid"],
    [{ email: "" }, "email", "error.emailInvalid"],
    [{ password: "short" }, "password", "error.passwordTooShort"],
    [{ password: "x".repeat(201) }, "password", "error.passwordTooLong"],
    [{ fullName: "   " }, "fullName", "error.fullNameRequired"],
  ])("refuses %o with a message for the field", (override, field, message) => {
    const result = registerForm.safeParse({ ...valid, ...override });
    expect(result.success).toBe(false);
    const issue = result.error?.issues.find((i) => i.path[0] === field);
    expect(issue?.message).toBe(message);
  });

  it("drops a time zone the runtime does not know instead of failing the registration", () => {
    expect(registerForm.parse({ ...valid, timeZone: "Mars/Olympus" }).timeZone).toBeUndefined();
    expect(registerForm.parse({ ...valid, timeZone: "Asia/Shanghai" }).timeZone).toBe("Asia/Shanghai");
  });
});

describe("session cookie", () => {
  it("is named __Host-yz_session when cookies are Secure (production), and yz_session in development, where they cannot be", () => {
    expect(sessionCookieName({ secure: true })).toBe("__Host-yz_session");
    expect(sessionCookieName({ secure: false })).toBe("yz_session");
  });

  it("accepts only well-formed tokens from the cookie header", () => {
    const token = "a".repeat(43);
    expect(readSessionToken(`other=1; ${SESSION_COOKIE}=${token}`, PLAIN_COOKIES)).toBe(token);
    expect(readSessionToken(`${SESSION_COOKIE}=short`, PLAIN_COOKIES)).toBeNull();
    expect(readSessionToken(`${SESSION_COOKIE}=${"a".repeat(42)}!`, PLAIN_COOKIES)).toBeNull();
    expect(readSessionToken(null, PLAIN_COOKIES)).toBeNull();
  });

  it("is read only under the name the server writes it", () => {
    const token = "c".repeat(43);
    expect(readSessionToken(`yz_session=${token}`, { secureCookies: true })).toBeNull();
    expect(readSessionToken(`__Host-yz_session=${token}`, { secureCookies: true })).toBe(token);
    expect(readSessionToken(`__Host-yz_session=${token}`, { secureCookies: false })).toBeNull();
  });

  it("stores a SHA-256 of the token, never the token", () => {
    const token = "b".repeat(43);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
  });
});

describe("environment", () => {
  it("applies defaults on an empty environment", () => {
    const env = readEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PGLITE_DIR).toBe("data/pglite");
  });

  it("names the variable that is wrong", () => {
    expect(() => readEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => readEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => readEnv({ NODE_ENV: "staging" })).toThrow(/NODE_ENV/);
  });

  it("treats an empty DATABASE_URL as unset", () => {
    expect(readEnv({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("parses ICE_SERVERS once, as a checked list, and names it when it is not one", () => {
    const turn = { urls: "turn:turn.example:3478", username: "u", credential: "p" };
    expect(readEnv({ ICE_SERVERS: JSON.stringify([turn]) }).ICE_SERVERS).toEqual([turn]);
    expect(readEnv({}).ICE_SERVERS).toBeUndefined();
    expect(() => readEnv({ ICE_SERVERS: "[{urls:" })).toThrow(/ICE_SERVERS/);
    expect(() => readEnv({ ICE_SERVERS: JSON.stringify([{ urls: "http://example" }]) })).toThrow(/ICE_SERVERS/);
  });
});

describe("time zones", () => {
  it("knows IANA names and refuses others", () => {
    expect(isTimeZone("Asia/Shanghai")).toBe(true);
    expect(isTimeZone("America/New_York")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });

  it("run under the zone this project asked for", () => {
    const expected = process.env.TZ === "America/Los_Angeles" ? [420, 480] : [0];
    expect(expected).toContain(new Date().getTimezoneOffset());
  });
});
