import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../helpers/browser";

const baseURL = inject("baseURL");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("the demo banner", () => {
  it.each([
    ["en-US", "Demo hospital: its passwords are public. Never enter a real patient's details."],
    ["zh-CN", "演示医院： 账号密码均已公开，请勿录入真实患者的信息。"],
  ])("says on every page of the demo database, in %s at 360 px, that it is a demo, without covering anything", async (locale, text) => {
    const { page, context, errors } = await openPage(browser, { locale, viewport: { width: 360, height: 740 } });
    for (const path of ["/", "/login", "/doctors", "/register", "/no-such-page"]) {
      await page.goto(`${baseURL}${path}`);
      const banner = page.locator(".demo-banner");
      expect(await banner.innerText(), path).toBe(text);
      const box = (await banner.boundingBox())!;
      const header = (await page.locator(".site-header").boundingBox())!;
      expect(box.y, path).toBe(0);
      expect(box.height, path).toBeLessThanOrEqual(56);
      expect(box.y + box.height, path).toBeLessThanOrEqual(header.y);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
      // It scrolls away with the page: never fixed over the content.
      expect(await banner.evaluate((el) => getComputedStyle(el).position), path).toBe("static");
    }
    expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
    await context.close();
  });
});
