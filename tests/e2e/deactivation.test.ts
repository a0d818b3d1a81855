import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../helpers/browser";
import { demoAdmin } from "../helpers/second-factor";
import { SESSION_COOKIE } from "../helpers/server";

const baseURL = inject("baseURL");
const PASSWORD = "a good long password";
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto(`${baseURL}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("deactivating an account", () => {
  it("signs a nurse out at the next request, refuses her sign-in with a clear message after the right password only, and reactivation lets her back", async () => {
    const admin = await demoAdmin(baseURL);
    const email = `nurse-${randomBytes(4).toString("hex")}@test.example`;
    expect((await admin.post("/admin/users", { role: "staff", email, password: PASSWORD, fullName: "Nurse Leaving" })).status).toBe(200);

    const nurse = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await signIn(nurse.page, email);
    await nurse.page.waitForURL(`${baseURL}/clinic/schedule`);

    const adminView = await openPage(browser, { viewport: { width: 1280, height: 900 }, session: { cookie: admin.cookie, baseURL } });
    await adminView.page.goto(`${baseURL}/admin/users`);
    const row = adminView.page.locator("tr", { hasText: email });
    await row.getByText("Deactivate…").click();
    await expect.poll(() => row.innerText()).toContain("signed out everywhere at once");
    await row.getByRole("button", { name: "Deactivate account" }).click();
    await expect.poll(() => adminView.page.getByRole("status").innerText()).toContain(`${email} was deactivated`);
    await expect.poll(() => adminView.page.locator("tr", { hasText: email }).innerText()).toContain("Deactivated");

    // The nurse's open page: its next request finds no session (its live stream may already have ended
    // and sent it to sign in by itself).
    await nurse.page.goto(`${baseURL}/doctor/availability`);
    await nurse.page.waitForURL(/\/login\?redirectTo=%2Fdoctor%2Favailability/);
    expect((await nurse.context.cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();

    await signIn(nurse.page, email, "not her password");
    await expect.poll(() => nurse.page.getByRole("alert").innerText()).toBe("The email or password is not correct.");
    await signIn(nurse.page, email);
    await expect.poll(() => nurse.page.getByRole("alert").innerText()).toBe("This account is deactivated. Ask your administrator.");
    expect(nurse.page.url()).toBe(`${baseURL}/login`);

    await adminView.page.locator("tr", { hasText: email }).getByRole("button", { name: "Reactivate" }).click();
    await expect.poll(() => adminView.page.getByRole("status").innerText()).toContain(`${email} can sign in again`);
    await signIn(nurse.page, email);
    await nurse.page.waitForURL(`${baseURL}/clinic/schedule`);
    expect(nurse.errors).toEqual([]);
    expect(adminView.errors).toEqual([]);
    await nurse.context.close();
    await adminView.context.close();
  });

  it("is refused to anyone but an admin", async () => {
    const admin = await demoAdmin(baseURL);
    const html = await (await admin.get("/admin/users")).text();
    const doctorId = /data-user-id="([0-9a-f-]{36})"[^>]*>(?:(?!<\/tr>).)*?Doctor<\/td>/s.exec(html)?.[1];
    expect(doctorId).toBeTruthy();
    const response = await fetch(`${baseURL}/admin/users`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseURL },
      body: new URLSearchParams({ intent: "deactivate", userId: doctorId! }),
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toMatch(/^\/login\?/);
  });
});
