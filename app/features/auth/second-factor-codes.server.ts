/**
 * The rules of second-factor codes, as pure functions: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second
 * steps, as every authenticator app reads it) and one-time recovery codes. No database here; the caller
 * stores the last step used and the recovery codes' hashes.
 */
import { createHash, randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";

export const TOTP_PERIOD_SECONDS = 30;
/** One step either side of now (±30 s) is accepted, for a phone whose clock is a little off. */
export const TOTP_WINDOW = 1;
const ISSUER = "Yunzhen";

const totp = (secret: string, label = "") =>
  new TOTP({ issuer: ISSUER, label, algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secret) });

/** A new random TOTP secret (160 bits, as RFC 4226 recommends), in base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** True for a secret this module made: 32 base32 characters. */
export function isTotpSecret(value: string): boolean {
  return /^[A-Z2-7]{32}$/.test(value);
}

/** The `otpauth://` address an authenticator app reads from the QR code. */
export function totpUri(secret: string, accountEmail: string): string {
  return totp(secret, accountEmail).toString();
}

/** The 30-second step an instant falls in. */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: "malformed" | "wrong" | "replayed" };

/**
 * Checks a code typed from an authenticator app. Accepted: the code of now's step or of one step either
 * side, and only for a step later than the last one accepted (`lastUsedStep`) — the same code, or an
 * older one, is never accepted twice. Returns the step to remember.
 */
export function checkTotp(secret: string, typed: string, nowMs: number, lastUsedStep: number | null): TotpCheck {
  const code = typed.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(code)) return { ok: false, reason: "malformed" };
  const delta = totp(secret).validate({ token: code, timestamp: nowMs, window: TOTP_WINDOW });
  if (delta === null) return { ok: false, reason: "wrong" };
  const step = totpStep(nowMs) + delta;
  if (lastUsedStep !== null && step <= lastUsedStep) return { ok: false, reason: "replayed" };
  return { ok: true, step };
}

// Crockford's base32: no i, l, o or u, so nothing is misread when copied from paper.
const RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_LENGTH = 16; // 80 bits: a stolen table of SHA-256 hashes cannot be searched back to codes
export const RECOVERY_CODE_COUNT = 10;

/** New recovery codes, shown once, e.g. "7k2m-q9xd-4hzr-b3tw". */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = [...randomBytes(RECOVERY_LENGTH)].map((byte) => RECOVERY_ALPHABET[byte & 31]).join("");
    return chars.match(/.{4}/g)!.join("-");
  });
}

/**
 * A typed recovery code in its one canonical form (lower case, no spaces or dashes, o→0, i/l→1), or
 * null when it cannot be one.
 */
export function canonicalRecoveryCode(typed: string): string | null {
  const code = typed
    .toLowerCase()
    .replace(/[\s-]+/g, "")
    .replace(/o/g, "0")
    .replace(/[il]/g, "1");
  if (code.length !== RECOVERY_LENGTH) return null;
  for (const char of code) if (!RECOVERY_ALPHABET.includes(char)) return null;
  return code;
}

/** What is stored of a recovery code: the SHA-256 of its canonical form. */
export function hashRecoveryCode(canonical: string): string {
  return createHash("sha256").update(canonical).digest("hex");
}
