import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

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
    /** A session cookie (`name=value`, as `client().cookie` holds it) to start signed in, and the server it belongs to. */
    session?: { cookie: string; baseURL: string };
  } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    locale: options.locale ?? "en-US",
    timezoneId: options.timezoneId ?? "Asia/Shanghai",
    viewport: options.viewport ?? { width: 390, height: 844 },
  });
  if (options.session) {
    const [name, value] = options.session.cookie.split("=") as [string, string];
    // As the server sets it: Secure (a `__Host-` cookie must be; Chromium counts localhost as secure),
    // for this host only and every path. Playwright's `url` form would make it not Secure.
    const domain = new URL(options.session.baseURL).hostname;
    await context.addCookies([{ name, value, domain, path: "/", secure: true, httpOnly: true, sameSite: "Lax" }]);
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
