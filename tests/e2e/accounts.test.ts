import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { launchBrowser, openPage } from "../helpers/browser";
import { SESSION_COOKIE } from "../helpers/server";

const baseURL = inject("baseURL");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const navLinks = async (page: Page) =>
  page.locator("nav.site-nav ul a").allInnerTexts();

describe("accounts in the browser", () => {
  it("a new patient registers, signs out, signs in again and sees the patient navigation", async () => {
    const { context, page, errors } = await openPage(browser);
    const email = `e2e-${randomBytes(4).toString("hex")}@test.example`;
    await page.goto(`${baseURL}/register`);
    await page.getByLabel("Full name").fill("张伟 Zhang Wei");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("a good long password");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${baseURL}/doctors`);
    await expect.poll(() => navLinks(page)).toEqual(["Find a doctor", "My appointments"]);

    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === SESSION_COOKIE);
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    expect((await context.cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    await expect.poll(() => navLinks(page)).toEqual(["Find a doctor"]);

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("a good long password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${baseURL}/appointments`);
    await expect.poll(() => navLinks(page)).toEqual(["Find a doctor", "My appointments"]);
    await expect.poll(() => page.getByRole("button", { name: "Sign out" }).count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a wrong password shows a message and keeps the person on the sign-in page", async () => {
    const { context, page, errors } = await openPage(browser);
    await page.goto(`${baseURL}/login`);
    await page.getByLabel("Email").fill(DEMO_ACCOUNTS.patient.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.getByRole("alert").first().textContent())
      .toBe("The email or password is not correct.");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a doctor signs in and sees the doctor navigation", async () => {
    const { context, page, errors } = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.goto(`${baseURL}/login`);
    await page.getByLabel("Email").fill(DEMO_ACCOUNTS.doctor.email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${baseURL}/doctor/today`);
    await expect.poll(() => navLinks(page)).toEqual(["Today", "Availability"]);
    await page.getByRole("link", { name: "Availability" }).click();
    await page.waitForURL(`${baseURL}/doctor/availability`);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Availability");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("switching language shows Chinese on every page and is remembered", async () => {
    const { context, page, errors } = await openPage(browser);
    await page.goto(`${baseURL}/doctors?department=respiratory`);
    expect(await page.locator("h1").textContent()).toBe("Find a doctor");
    await page.getByRole("button", { name: "Language" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("找医生");
    expect(new URL(page.url()).search).toBe("?department=respiratory");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await page.goto(`${baseURL}/login`);
    expect(await page.locator("h1").textContent()).toBe("登录云诊");
    await page.getByRole("button", { name: "语言" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Sign in to Yunzhen");
    expect(errors).toEqual([]);
    await context.close();
  });
});
