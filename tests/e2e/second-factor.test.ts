import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../helpers/browser";
import { codeAt, demoAdmin } from "../helpers/second-factor";

const baseURL = inject("baseURL");
const PASSWORD = "a good long password";
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A new hospital account made by the (signed-in, two-step) demo admin at /admin/users. */
async function newAccount(role: "doctor" | "admin" | "staff") {
  const admin = await demoAdmin(baseURL);
  const email = `${role}-${randomBytes(4).toString("hex")}@test.example`;
  const departmentId = /<option value="([0-9a-f-]{36})"/.exec(await (await admin.get("/admin/users")).text())![1]!;
  const fields = { role, email, password: PASSWORD, fullName: `Test ${role}`, ...(role === "doctor" ? { nameEn: "Test Doctor", departmentId, title: "attending" } : {}) };
  expect((await admin.post("/admin/users", fields)).status).toBe(200);
  return email;
}

async function signInWithPassword(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Sets up the authenticator as a person would: the key from the page, the code from "the app". */
async function turnOn(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  const secret = (await page.locator("[data-secret]").getAttribute("data-secret"))!;
  await expect.poll(() => page.getByRole("img", { name: "QR code for your authenticator app" }).count()).toBe(1);
  await page.getByLabel("2. Enter the 6-digit code that the app shows now.").fill(codeAt(secret));
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await page.getByRole("heading", { name: "Your recovery codes" }).waitFor();
  const recoveryCodes = await page.locator(".recovery-codes code").allInnerTexts();
  return { secret, recoveryCodes };
}

describe("two-step sign-in", () => {
  it("a doctor turns it on with an authenticator app, then signs in with a code, and with a recovery code once", async () => {
    const email = await newAccount("doctor");
    const { page, context, errors } = await openPage(browser);
    await page.goto(`${baseURL}/login`);
    await signInWithPassword(page, email);
    await page.waitForURL(`${baseURL}/doctor/today`);

    await page.goto(`${baseURL}/account/second-factor`);
    const { secret, recoveryCodes } = await turnOn(page);
    expect(recoveryCodes).toHaveLength(10);
    await page.getByRole("link", { name: "Continue" }).click();
    await page.waitForURL(`${baseURL}/doctor/today`);

    const signOutAndIn = async () => {
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/login/);
      await signInWithPassword(page, email);
      await page.waitForURL(`${baseURL}/login/code`);
    };
    await signOutAndIn();
    // Nothing is open after the password alone.
    expect((await page.request.get(`${baseURL}/doctor/today`, { maxRedirects: 0 })).status()).toBe(302);
    await page.getByLabel("Code").fill(codeAt(secret, Date.now() - 5 * 60_000));
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("This code is not correct");
    // The enrolment used this step's code: the app's next one is accepted (one step of drift either side).
    await page.getByLabel("Code").fill(codeAt(secret, Date.now() + 30_000));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(`${baseURL}/doctor/today`);

    await signOutAndIn();
    await page.getByLabel("Code").fill(recoveryCodes[0]!);
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(`${baseURL}/doctor/today`);
    await signOutAndIn();
    await page.getByLabel("Code").fill(recoveryCodes[0]!);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("already used");
    expect(page.url()).toBe(`${baseURL}/login/code`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("is required for an admin: a new admin is sent to set it up before any admin page, then lands where it was going", async () => {
    const email = await newAccount("admin");
    const { page, context, errors } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${baseURL}/admin/settings`);
    await page.waitForURL(/\/login\?redirectTo=%2Fadmin%2Fsettings/);
    await signInWithPassword(page, email);
    await page.waitForURL(`${baseURL}/account/second-factor?redirectTo=%2Fadmin%2Fsettings`);
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("Administrators must use two-step sign-in");
    for (const path of ["/admin/users", "/clinic/schedule", "/account/password"]) {
      const response = await page.request.get(`${baseURL}${path}`, { maxRedirects: 0 });
      expect(response.status(), path).toBe(302);
      expect(response.headers().location, path).toMatch(/^\/account\/second-factor\?redirectTo=/);
    }

    const { secret } = await turnOn(page);
    await page.getByRole("link", { name: "Continue" }).click();
    await page.waitForURL(`${baseURL}/admin/settings`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    expect((await page.request.get(`${baseURL}/admin/users`, { maxRedirects: 0 })).status()).toBe(200);

    // Signing in again asks for the code at once.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    await signInWithPassword(page, email);
    await page.waitForURL(`${baseURL}/login/code`);
    await page.getByLabel("Code").fill(codeAt(secret, Date.now() + 30_000));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(`${baseURL}/clinic/schedule`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
