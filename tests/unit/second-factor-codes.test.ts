import { describe, expect, it } from "vitest";
import {
  canonicalRecoveryCode,
  checkTotp,
  hashRecoveryCode,
  isTotpSecret,
  newRecoveryCodes,
  newTotpSecret,
  totpStep,
  totpUri,
} from "~/features/auth/second-factor-codes.server";
import { codeAt } from "../helpers/second-factor";

// RFC 6238's SHA-1 test key ("12345678901234567890") in base32, and two of its published vectors.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const AT = Date.UTC(2026, 11, 1, 9, 0, 10); // 10 s into a step

describe("TOTP codes", () => {
  it("are the RFC 6238 test vectors (last six digits), as the tests' authenticator shows them too", () => {
    expect(checkTotp(RFC_SECRET, "287082", 59_000, null)).toEqual({ ok: true, step: totpStep(59_000) });
    expect(checkTotp(RFC_SECRET, "081804", 1_111_111_109_000, null)).toEqual({ ok: true, step: totpStep(1_111_111_109_000) });
    expect(codeAt(RFC_SECRET, 59_000)).toBe("287082");
    expect(codeAt(RFC_SECRET, 1_111_111_109_000)).toBe("081804");
  });

  it("accept the code of now, of the step before and of the step after", () => {
    for (const offset of [-30_000, 0, 30_000]) {
      const result = checkTotp(RFC_SECRET, codeAt(RFC_SECRET, AT + offset), AT, null);
      expect(result).toEqual({ ok: true, step: totpStep(AT + offset) });
    }
  });

  it("refuse a code two steps away either side", () => {
    expect(checkTotp(RFC_SECRET, codeAt(RFC_SECRET, AT - 60_000), AT, null)).toEqual({ ok: false, reason: "wrong" });
    expect(checkTotp(RFC_SECRET, codeAt(RFC_SECRET, AT + 60_000), AT, null)).toEqual({ ok: false, reason: "wrong" });
  });

  it("refuse the same code a second time, and an older one after a newer one", () => {
    const code = codeAt(RFC_SECRET, AT);
    const first = checkTotp(RFC_SECRET, code, AT, null);
    expect(first.ok).toBe(true);
    const used = first.ok ? first.step : -1;
    expect(checkTotp(RFC_SECRET, code, AT + 5_000, used)).toEqual({ ok: false, reason: "replayed" });
    expect(checkTotp(RFC_SECRET, codeAt(RFC_SECRET, AT - 30_000), AT, used)).toEqual({ ok: false, reason: "replayed" });
    expect(checkTotp(RFC_SECRET, codeAt(RFC_SECRET, AT + 30_000), AT + 30_000, used)).toEqual({ ok: true, step: used + 1 });
  });

  it("take a code typed with spaces, and refuse anything that is not six digits", () => {
    const code = codeAt(RFC_SECRET, AT);
    expect(checkTotp(RFC_SECRET, ` ${code.slice(0, 3)} ${code.slice(3)} `, AT, null).ok).toBe(true);
    for (const typed of ["", "12345", "1234567", "abcdef", "12345a"]) {
      expect(checkTotp(RFC_SECRET, typed, AT, null)).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("use a new random 160-bit secret each time, in an address an authenticator app reads", () => {
    const a = newTotpSecret();
    expect(isTotpSecret(a)).toBe(true);
    expect(newTotpSecret()).not.toBe(a);
    expect(isTotpSecret("not a secret")).toBe(false);
    const uri = new URL(totpUri(a, "li.minghua@hospital.example"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(a);
    expect(uri.searchParams.get("issuer")).toBe("Yunzhen");
    expect(uri.searchParams.get("period")).toBe("30");
  });
});

describe("recovery codes", () => {
  it("are ten different codes of sixteen characters in groups of four", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
  });

  it("are recognised however they are typed: case, spaces, dashes, o for 0 and l for 1", () => {
    expect(canonicalRecoveryCode("7K2M Q9XD-4HZR-B3TW")).toBe("7k2mq9xd4hzrb3tw");
    expect(canonicalRecoveryCode("10o0-0000-0000-000l")).toBe("1000000000000001");
    expect(canonicalRecoveryCode("7k2m-q9xd-4hzr")).toBeNull();
    expect(canonicalRecoveryCode("123456")).toBeNull();
    expect(canonicalRecoveryCode("uuuu-uuuu-uuuu-uuuu")).toBeNull();
  });

  it("are stored as a hash that does not contain the code", () => {
    const hash = hashRecoveryCode("7k2mq9xd4hzrb3tw");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain("7k2m");
  });
});
