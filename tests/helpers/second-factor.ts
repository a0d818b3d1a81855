import { inject } from "vitest";
import { Secret, TOTP } from "otpauth";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { client } from "./http";

type Client = ReturnType<typeof client>;

/**
 * Second factors in tests, computed with the same library as the server (otpauth), never read back from
 * the server: what an authenticator app on a phone would show.
 */
export function codeAt(secret: string, at = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({ timestamp: at });
}

/** The enrolment page's secret, as a person would type it from the page. */
export function secretIn(html: string): string {
  const secret = /data-secret="([A-Z2-7]{32})"/.exec(html)?.[1];
  if (!secret) throw new Error("the page offers no secret to enrol");
  return secret;
}

export function recoveryCodesIn(html: string): string[] {
  return [...html.matchAll(/<li><code>([0-9a-z]{4}(?:-[0-9a-z]{4}){3})<\/code><\/li>/g)].map((m) => m[1]!);
}

/** Turns on a second factor for the signed-in client: returns its secret and its recovery codes. */
export async function enrol(person: Client): Promise<{ secret: string; recoveryCodes: string[] }> {
  const secret = secretIn(await (await person.get("/account/second-factor")).text());
  const response = await person.post("/account/second-factor", { intent: "enable", secret, code: codeAt(secret) });
  if (response.status !== 200) throw new Error(`enrolment answered ${response.status}`);
  const recoveryCodes = recoveryCodesIn(await response.text());
  if (recoveryCodes.length !== 10) throw new Error("enrolment showed no recovery codes");
  return { secret, recoveryCodes };
}

/**
 * Answers the second step of a sign-in. Another test may have used this account's code of this
 * 30-second step already (a code is accepted once): then the next step's code, which the server also
 * accepts (±1 step), and failing that, the next step itself.
 */
export async function answerSecondStep(person: Client, secret: string): Promise<Response> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = Date.now();
    for (const at of [now, now + 30_000]) {
      const response = await person.post("/login/code", { code: codeAt(secret, at) });
      if (response.status === 302) return response;
      if (response.status !== 400) throw new Error(`the second step answered ${response.status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 30_000 - (Date.now() % 30_000) + 100));
  }
  throw new Error("no code was accepted at the second step");
}

/** Signs in with the password and, when the account has one, the second factor. */
export async function signInWithSecondFactor(person: Client, email: string, password: string, secret: string) {
  const response = await person.post("/login", { email, password });
  if (response.status !== 302) throw new Error(`sign-in answered ${response.status}`);
  if (!response.headers.get("Location")?.startsWith("/login/code")) return response;
  return answerSecondStep(person, secret);
}

// The demo admin's secret per server: the end-to-end server's global setup enrols it once and provides
// the secret; a server a test starts on its own gets it at the first sign-in here.
const secrets = new Map<string, string>();
const admins = new Map<string, Promise<Client>>();

/** What the end-to-end setup provides for its server (nothing for a server a test started itself). */
function provided<K extends "demoAdminSecret" | "demoAdminCookie">(baseURL: string, key: K): string | undefined {
  try {
    return inject("baseURL") === baseURL ? inject(key) : undefined;
  } catch {
    return undefined;
  }
}

/** A new session of the demo admin, second factor answered (and set up first if it had none). */
export async function signInDemoAdmin(baseURL: string): Promise<Client> {
  const admin = client(baseURL);
  const secret = secrets.get(baseURL) ?? provided(baseURL, "demoAdminSecret");
  if (secret) {
    await signInWithSecondFactor(admin, DEMO_ACCOUNTS.admin.email, DEMO_PASSWORD, secret);
    return admin;
  }
  await admin.signIn(DEMO_ACCOUNTS.admin.email, DEMO_PASSWORD);
  secrets.set(baseURL, (await enrol(admin)).secret);
  return admin;
}

/** The demo admin's secret on a server where this process set it up. */
export function demoAdminSecret(baseURL: string): string {
  const secret = secrets.get(baseURL);
  if (!secret) throw new Error(`the demo admin of ${baseURL} has no second factor set up here`);
  return secret;
}

/**
 * The demo admin, signed in. On the shared end-to-end server every file uses the session the setup
 * opened (a code is accepted once, so files signing in within the same 30 s would wait for the next
 * one); elsewhere, one sign-in per test file and server.
 */
export function demoAdmin(baseURL: string): Promise<Client> {
  const cookie = provided(baseURL, "demoAdminCookie");
  if (cookie) return Promise.resolve(client(baseURL, "en", cookie));
  let admin = admins.get(baseURL);
  if (!admin) {
    admin = signInDemoAdmin(baseURL);
    admins.set(baseURL, admin);
    admin.catch(() => admins.delete(baseURL));
  }
  return admin;
}
