import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { client } from "../helpers/http";
import { signInDemoAdmin } from "../helpers/second-factor";
import { SESSION_COOKIE } from "../helpers/server";

const baseURL = inject("baseURL");

const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${baseURL}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseURL, ...headers },
    body: new URLSearchParams(fields),
  });

async function signInCookie(email: string, password: string) {
  const response = await post("/login", { email, password });
  expect(response.status).toBe(302);
  return response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!.split(";")[0]!;
}

describe("the server over HTTP", () => {
  it("refuses text the database cannot store (a NUL character) with a 400 and a message, not a 500", async () => {
    for (const email of [`nul-${randomBytes(4).toString("hex")}@test.example`, DEMO_ACCOUNTS.patient.email]) {
      const response = await post("/register", { email, password: "a good long password", fullName: "\u0000", timeZone: "Asia/Shanghai" }, { "Accept-Language": "en" });
      expect(response.status, email).toBe(400);
      expect(await response.text()).toMatch(/cannot be stored|full name/i);
    }
  });

  it("answers /healthz with 200 while the database answers", async () => {
    const response = await fetch(`${baseURL}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
  });

  it("serves Chinese pages for Accept-Language zh-CN and English otherwise", async () => {
    const zh = await (await fetch(`${baseURL}/`, { headers: { "Accept-Language": "zh-CN,zh;q=0.9" } })).text();
    expect(zh).toContain('<html lang="zh-CN"');
    expect(zh).toContain("找医生");
    const en = await (await fetch(`${baseURL}/`, { headers: { "Accept-Language": "fr-FR" } })).text();
    expect(en).toContain('<html lang="en"');
    expect(en).toContain("Find a doctor");
  });

  it("re-shows registration with a message by the field, answers 400 and creates no user", async () => {
    const email = `short-${randomBytes(4).toString("hex")}@test.example`;
    const badEmail = await post("/register", { email: "not-an-email", password: "long enough pw", fullName: "A" }, { "Accept-Language": "en" });
    expect(badEmail.status).toBe(400);
    expect(await badEmail.text()).toContain("Enter a valid email address");

    const shortPassword = await post("/register", { email, password: "short", fullName: "A" }, { "Accept-Language": "en" });
    expect(shortPassword.status).toBe(400);
    const html = await shortPassword.text();
    expect(html).toContain("The password must have at least 10 characters.");
    expect(html).toContain('aria-invalid="true"');

    // No user was created: the same email can still register, and could not sign in before.
    const before = await post("/login", { email, password: "short" });
    expect(before.status).toBe(400);
    const good = await post("/register", { email, password: "long enough pw", fullName: "A" });
    expect(good.status).toBe(302);
  });

  it("sets the session cookie as __Host-yz_session in production: Secure, HttpOnly, SameSite=Lax, every path, no Domain", async () => {
    const response = await post("/login", { email: DEMO_ACCOUNTS.staff.email, password: DEMO_PASSWORD });
    const cookies = response.headers.getSetCookie();
    expect(cookies.map((c) => c.split("=")[0])).toContain("__Host-yz_session");
    const cookie = cookies.find((c) => c.startsWith("__Host-yz_session="))!;
    const attributes = cookie.split(";").slice(1).map((a) => a.trim().split("=")[0]!.toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["secure", "httponly", "samesite", "path"]));
    expect(attributes).not.toContain("domain");
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/(;|$)/);
    // The old name is gone: nothing answers to it any more.
    expect(cookies.some((c) => c.startsWith("yz_session="))).toBe(false);
  });

  it("answers 429 with a retry time to the eleventh wrong password in a minute", async () => {
    const email = `locked-${randomBytes(4).toString("hex")}@test.example`;
    expect((await post("/register", { email, password: "long enough pw", fullName: "L" })).status).toBe(302);
    for (let i = 0; i < 10; i++) {
      expect((await post("/login", { email, password: `wrong ${i}` })).status).toBe(400);
    }
    const eleventh = await post("/login", { email, password: "wrong again" }, { "Accept-Language": "en" });
    expect(eleventh.status).toBe(429);
    expect(Number(eleventh.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await eleventh.text()).toMatch(/Too many failed sign-ins\. Try again in \d+ seconds?\./);
  });

  it("answers 429 to all but ten of 100 concurrent wrong passwords for one account", async () => {
    const email = `burst-${randomBytes(4).toString("hex")}@test.example`;
    expect((await post("/register", { email, password: "long enough pw", fullName: "B" })).status).toBe(302);
    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => post("/login", { email, password: `wrong ${i}` }).then((r) => r.status)));
    const count = (status: number) => statuses.filter((s) => s === status).length;
    expect({ 400: count(400), 429: count(429), other: statuses.length - count(400) - count(429) }).toEqual({ 400: 10, 429: 90, other: 0 });
  });

  it("answers 429 to all but ten of 40 concurrent wrong current passwords on a password change", async () => {
    const email = `change-${randomBytes(4).toString("hex")}@test.example`;
    const person = client(baseURL);
    await person.register(email, "long enough pw", "C");
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => person.post("/account/password", { currentPassword: `wrong ${i}`, newPassword: "another long password" })),
    );
    const statuses = responses.map((r) => r.status);
    const count = (status: number) => statuses.filter((s) => s === status).length;
    expect({ 400: count(400), 429: count(429), other: statuses.length - count(400) - count(429) }).toEqual({ 400: 10, 429: 30, other: 0 });
    const refused = responses.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await refused.text()).toMatch(/Too many wrong passwords for this account\. Try again in \d+ seconds?\./);
  });

  it("answers dates and times outside any clinic's calendar with the page's default or a 4xx, never a 500", async () => {
    const staff = client(baseURL);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    const patient = client(baseURL);
    await patient.signIn(DEMO_ACCOUNTS.patient.email, DEMO_PASSWORD);
    const doctorId = /\/doctors\/([0-9a-f-]{36})/.exec(await (await patient.get("/doctors")).text())![1]!;
    const statusOf = async (who: ReturnType<typeof client>, path: string) => {
      const aborter = new AbortController();
      const response = await fetch(`${baseURL}${path}`, { headers: { Cookie: who.cookie }, redirect: "manual", signal: aborter.signal });
      aborter.abort(); // an event stream never ends by itself
      return response.status;
    };
    const seen: Record<string, number> = {};
    for (const since of ["0000-01-01", "-271821-04-20T00:00:00.000Z", "275760-09-13T00:00:00.000Z"]) {
      seen[`events since ${since}`] = await statusOf(staff, `/live/events?since=${encodeURIComponent(since)}`);
    }
    for (const date of ["9999-12-31", "0000-01-01"]) {
      for (const view of ["day", "week"]) seen[`schedule ${date} ${view}`] = await statusOf(staff, `/clinic/schedule?date=${date}&view=${view}`);
    }
    for (const start of ["9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z"]) {
      seen[`book ${start}`] = await statusOf(patient, `/doctors/${doctorId}/book?start=${encodeURIComponent(start)}`);
    }
    const timeOff = await staff.post(`/doctor/availability?doctorId=${doctorId}`, { intent: "addTimeOff", startDate: "0000-01-01", endDate: "0000-01-02", note: "" });
    seen["time off in year 0"] = timeOff.status;
    expect(seen).toEqual({
      "events since 0000-01-01": 200,
      "events since -271821-04-20T00:00:00.000Z": 200,
      "events since 275760-09-13T00:00:00.000Z": 200,
      "schedule 9999-12-31 day": 200,
      "schedule 9999-12-31 week": 200,
      "schedule 0000-01-01 day": 200,
      "schedule 0000-01-01 week": 200,
      // Not a time that could be booked: back to the doctor's page, as for any other.
      "book 9999-12-31T23:59:59Z": 302,
      "book 0000-01-01T00:00:00Z": 302,
      "time off in year 0": 400,
    });
  });

  it("serves public files from memory, with a validator that answers 304, and leaves other paths to the pages", async () => {
    const icon = await fetch(`${baseURL}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(icon.headers.get("cache-control")).toBe("public, max-age=3600");
    const etag = icon.headers.get("etag")!;
    expect((await icon.text()).startsWith("<svg")).toBe(true);
    expect((await fetch(`${baseURL}/favicon.svg`, { headers: { "If-None-Match": etag } })).status).toBe(304);
    const home = await (await fetch(baseURL)).text();
    const script = /"(\/build\/[^"]+\.js)"/.exec(home)![1]!;
    const built = await fetch(`${baseURL}${script}`);
    expect([built.status, built.headers.get("cache-control")]).toEqual([200, "public, max-age=31536000, immutable"]);
    expect(built.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await fetch(`${baseURL}/build/not-a-file.js`)).status).toBe(404);
  });

  it("sends pages and build files compressed to a browser that accepts it, and the event stream as it happens", async () => {
    const page = await fetch(`${baseURL}/login`, { headers: { "Accept-Encoding": "gzip, deflate" } });
    expect([page.status, page.headers.get("content-encoding")]).toEqual([200, "gzip"]);
    expect(page.headers.get("vary")).toMatch(/Accept-Encoding/i);
    expect(await page.text()).toContain("</html>");
    // Brotli (a browser over HTTPS), with its small window: the whole page.
    const overHttps = await fetch(`${baseURL}/login`, { headers: { "Accept-Encoding": "br" } });
    expect(overHttps.headers.get("content-encoding")).toBe("br");
    expect(await overHttps.text()).toContain("</html>");
    // The page's largest script (the framework's): a few hundred bytes compress by less than half.
    const scripts = [...(await (await fetch(`${baseURL}/login`)).text()).matchAll(/"(\/build\/_shared\/[^"]+\.js)"/g)].map((m) => m[1]!);
    const sizes = await Promise.all(
      scripts.map(async (path) => Number((await fetch(`${baseURL}${path}`, { method: "HEAD", headers: { "Accept-Encoding": "identity" } })).headers.get("content-length"))),
    );
    const script = scripts[sizes.indexOf(Math.max(...sizes))]!;
    const raw = await fetch(`${baseURL}${script}`, { headers: { "Accept-Encoding": "identity" } });
    expect(raw.headers.get("content-encoding")).toBeNull();
    const size = Number(raw.headers.get("content-length"));
    expect(size).toBeGreaterThan(10_000);
    for (const encoding of ["br", "gzip"]) {
      const built = await fetch(`${baseURL}${script}`, { headers: { "Accept-Encoding": encoding } });
      expect(built.headers.get("content-encoding")).toBe(encoding);
      expect(Number(built.headers.get("content-length"))).toBeLessThan(size / 2);
      expect(built.headers.get("etag")).not.toBe(raw.headers.get("etag"));
    }
    const staff = await signInCookie(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    const events = new AbortController();
    const stream = await fetch(`${baseURL}/live/events`, {
      headers: { Cookie: staff, Accept: "text/event-stream", "Accept-Encoding": "gzip, br" },
      signal: events.signal,
    });
    expect([stream.status, stream.headers.get("content-encoding")]).toEqual([200, null]);
    events.abort();
  });

  it("shows a friendly 404 page in the viewer's language", async () => {
    const response = await fetch(`${baseURL}/no/such/page`, { headers: { "Accept-Language": "zh-CN" } });
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain("页面不存在");
    expect(html).toContain("返回首页");
  });

  it("answers 403 with a friendly page when a patient opens the clinic schedule", async () => {
    const cookie = await signInCookie(DEMO_ACCOUNTS.patient.email, DEMO_PASSWORD);
    const response = await fetch(`${baseURL}/clinic/schedule`, { headers: { Cookie: cookie, "Accept-Language": "en" } });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Not allowed");
  });

  it("sends a visitor who is not signed in to the sign-in page and back", async () => {
    const response = await fetch(`${baseURL}/appointments`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/login?redirectTo=%2Fappointments");
  });

  it("signs out only by POST, and then the old cookie no longer works", async () => {
    const { cookie } = await signInDemoAdmin(baseURL);
    const viaGet = await fetch(`${baseURL}/logout`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(viaGet.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=;`))).toBe(false);
    expect((await fetch(`${baseURL}/admin/users`, { headers: { Cookie: cookie } })).status).toBe(200);
    const out = await post("/logout", {}, { Cookie: cookie });
    expect(out.status).toBe(302);
    const after = await fetch(`${baseURL}/admin/users`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(after.status).toBe(302);
  });
});
