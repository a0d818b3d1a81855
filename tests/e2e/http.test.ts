import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { signInDemoAdmin } from "../helpers/second-factor";

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
  return response.headers.getSetCookie().find((c) => c.startsWith("yz_session="))!.split(";")[0]!;
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

  it("sets the session cookie HttpOnly and SameSite=Lax", async () => {
    const response = await post("/login", { email: DEMO_ACCOUNTS.staff.email, password: DEMO_PASSWORD });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("yz_session="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
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
    expect(await eleventh.text()).toMatch(/Too many failed sign-ins\. Try again in \d+ seconds\./);
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
    expect(viaGet.headers.getSetCookie().some((c) => c.startsWith("yz_session=;"))).toBe(false);
    expect((await fetch(`${baseURL}/admin/users`, { headers: { Cookie: cookie } })).status).toBe(200);
    const out = await post("/logout", {}, { Cookie: cookie });
    expect(out.status).toBe(302);
    const after = await fetch(`${baseURL}/admin/users`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(after.status).toBe(302);
  });
});
