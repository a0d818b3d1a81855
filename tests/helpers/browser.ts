import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { clockOffset, shiftDate } from "./test-clock.mjs";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** For calls: fake camera and microphone, allowed without asking, and loopback ICE candidates. */
export const CALL_ARGS = [
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
];

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/**
 * A fresh browser context (its own cookies) whose page fails the test on any console error or
 * uncaught exception: a page that logs an error is not a working page.
 */
export async function openPage(
  browser: Browser,
  options: {
    locale?: string;
    timezoneId?: string;
    viewport?: { width: number; height: number };
    /** Cookies (`name=value; name=value`, as `client().cookie` holds them: the session, the arrival pass) to start signed in with, and the server they belong to. */
    session?: { cookie: string; baseURL: string };
  } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    locale: options.locale ?? "en-US",
    timezoneId: options.timezoneId ?? "Asia/Shanghai",
    viewport: options.viewport ?? { width: 390, height: 844 },
  });
  // On the run's clock (YZ_TEST_NOW), as the server is: countdowns, the schedule's line for now.
  const offset = clockOffset();
  if (offset !== null) await context.addInitScript(shiftDate, offset);
  if (options.session) {
    // As the server sets them: Secure (a `__Host-` cookie must be; Chromium counts localhost as secure),
    // for this host only and every path. Playwright's `url` form would make them not Secure.
    const domain = new URL(options.session.baseURL).hostname;
    await context.addCookies(
      options.session.cookie.split("; ").map((pair) => {
        const eq = pair.indexOf("=");
        return { name: pair.slice(0, eq), value: pair.slice(eq + 1), domain, path: "/", secure: true, httpOnly: true, sameSite: "Lax" as const };
      }),
    );
  }
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    // A form answered with 4xx logs a failed resource load; that is the expected answer, not a bug.
    if (message.type() === "error" && !/status of 4\d\d/.test(message.text())) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return { context, page, errors };
}
