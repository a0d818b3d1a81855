import { describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { client } from "../helpers/http";

const baseURL = inject("baseURL");

describe("headers", () => {
  it("enforce a Content-Security-Policy with a fresh nonce, no framing, nosniff, a referrer policy and camera for our origin only", async () => {
    const [a, b] = await Promise.all([fetch(`${baseURL}/`), fetch(`${baseURL}/`)]);
    const csp = a.headers.get("content-security-policy")!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(nonce).not.toBe(/'nonce-([^']+)'/.exec(b.headers.get("content-security-policy")!)![1]);
    const html = await a.text();
    // Every inline script carries this response's nonce.
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(inline.length).toBeGreaterThan(0);
    for (const [, attributes] of inline) expect(attributes).toContain(`nonce="${nonce}"`);
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(a.headers.get("permissions-policy")).toContain("camera=(self)");
    expect(a.headers.get("permissions-policy")).toContain("microphone=(self)");
    expect(a.headers.get("strict-transport-security")).toContain("max-age=");
  });

  it("come with static files too: the build, public files and background blur's assets", async () => {
    const html = await (await fetch(`${baseURL}/`)).text();
    const built = /(?:src|href)="(\/build\/[^"]+\.js)"/.exec(html)![1]!;
    for (const path of [built, "/favicon.svg", "/vendor/video-processors/twilio-gaussian-blur-background-processor-pipeline-worker.js", "/vendor/video-processors/tflite-simd-1-0-0.wasm"]) {
      const response = await fetch(`${baseURL}${path}`);
      expect(response.status, path).toBe(200);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect.soft(csp, path).toContain("frame-ancestors 'none'");
      expect.soft(csp, path).toContain("object-src 'none'");
      expect.soft(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect.soft(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect.soft(response.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect.soft(response.headers.get("strict-transport-security") ?? "", path).toContain("max-age=");
      await response.arrayBuffer();
    }
  });

  it("keep pages with patient data out of every cache", async () => {
    const patient = client(baseURL);
    await patient.signIn(DEMO_ACCOUNTS.patient.email, DEMO_PASSWORD);
    for (const path of ["/appointments", "/doctors"]) {
      expect((await patient.get(path)).headers.get("cache-control")).toContain("no-store");
    }
  });
});

describe("requests from elsewhere", () => {
  it("refuse a form post with a foreign or missing Origin with 403, and change nothing", async () => {
    const post = (origin: string | null) =>
      fetch(`${baseURL}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...(origin ? { Origin: origin } : {}) },
        body: new URLSearchParams({ email: DEMO_ACCOUNTS.patient.email, password: DEMO_PASSWORD }),
      });
    for (const origin of ["https://evil.example", null, "null"]) {
      const response = await post(origin);
      expect(response.status, String(origin)).toBe(403);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect((await post(baseURL)).status).toBe(302);
  });
});

describe("redirect targets from a form", () => {
  // The reported payloads, exactly as they were posted.
  const payloads = ["%2F%09%2Flocalhost%3A3301%2Fpwned", "/%0A/evil.example", "%2F%2E%2F%2Fevil.example", "%2F%5Cevil.example"];
  const postRaw = (path: string, body: string, cookie?: string) =>
    fetch(`${baseURL}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseURL, ...(cookie ? { Cookie: cookie } : {}) },
      body,
    });
  /** Where a browser goes: the Location resolved against the page that was posted (WHATWG URL, as browsers do). */
  const expectOurOrigin = (response: Response, what: string) => {
    expect.soft(response.status, what).toBe(302);
    const location = response.headers.get("Location") ?? "";
    expect.soft(new URL(location, `${baseURL}/login`).origin, `${what} → ${JSON.stringify(location)}`).toBe(new URL(baseURL).origin);
  };

  it("never send a person off our origin after signing in, and never answer 500", async () => {
    for (const payload of payloads) {
      const body = `email=${encodeURIComponent(DEMO_ACCOUNTS.patient.email)}&password=${encodeURIComponent(DEMO_PASSWORD)}&redirectTo=${payload}`;
      expectOurOrigin(await postRaw("/login", body), `POST /login redirectTo=${payload}`);
    }
  });

  it("never send a person off our origin after choosing a language, signed in or not, and never answer 500", async () => {
    const patient = client(baseURL);
    await patient.signIn(DEMO_ACCOUNTS.patient.email, DEMO_PASSWORD);
    for (const payload of payloads) {
      for (const cookie of [undefined, patient.cookie]) {
        const what = `POST /locale redirectTo=${payload} ${cookie ? "signed in" : "anonymous"}`;
        expectOurOrigin(await postRaw("/locale", `locale=en&redirectTo=${payload}`, cookie), what);
      }
    }
  });

  it("still return a person to the page they came from", async () => {
    const back = "/doctors?department=respiratory";
    const response = await postRaw("/locale", `locale=zh-CN&redirectTo=${encodeURIComponent(back)}`);
    expect(response.headers.get("Location")).toBe(back);
  });
});
