import { hash, verify } from "@node-rs/argon2";
import { countedHash } from "~/utils/load-gauge.server";

// OWASP's argon2id parameters (19 MiB, 2 passes, 1 lane). Algorithm 2 is argon2id; the package's enum is
// a `const enum`, which isolated modules cannot import.
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified when the email is unknown, so that a wrong email takes as long as a wrong password.
let decoyHash: Promise<string> | undefined;

/** Checks a password against its hash (counted: the arrival line watches the thread pool's backlog). */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  return countedHash(async () => {
    if (passwordHash === null) {
      decoyHash ??= hashPassword("decoy password that matches nothing");
      await verify(await decoyHash, password).catch(() => false);
      return false;
    }
    return verify(passwordHash, password).catch(() => false);
  });
}
