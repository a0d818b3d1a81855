/**
 * The patient's pages on a phone at 9 am: for each, the JavaScript it downloads (bytes on the wire as
 * Chromium got them — brotli, which it accepts from localhost —, the same scripts in gzip, and unpacked) and the
 * time until its `load` event and until its last script and its messages (JSON) arrived, in headless Chromium at 390 px on a throttled phone profile: 4× slower
 * CPU, 1.6 Mbps down, 750 kbps up, 150 ms latency. Every page opens in a new browser context (an empty
 * cache: the first visit, the worst case), signed in as the demo patient (the sign-in page signed out),
 * in Chinese and in English.
 *
 * Budgets (issue 13): ≤ 100 KB of gzip JavaScript per patient page, loaded in ≤ 2.5 s.
 */
import type { Browser } from "playwright-core";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { LOCALE_COOKIE } from "~/i18n/viewer.server";
import { launchBrowser, openPage } from "../helpers/browser";
import { client } from "../helpers/http";
import { startServer } from "../helpers/server";

const PHONE = {
  latencyMs: 150,
  downloadBytesPerSecond: (1.6 * 1024 * 1024) / 8,
  uploadBytesPerSecond: (750 * 1024) / 8,
  cpuSlowdown: 4,
};
const JS_BUDGET_BYTES = 100 * 1024;
const LOAD_BUDGET_MS = 2_500;
/** Each page is loaded this many times (each cold); the median is printed. */
const RUNS = 3;

type Measure = { readyMs: number; jsWire: number; jsGzip: number; jsUnpacked: number; scripts: number; messagesGzip: number; loadMs: number; htmlWire: number };

/** What the scripts weigh in gzip (the issue's measure), asked of the server itself: the sum of their gzip forms (tiny ones as they are). */
async function gzipBytes(urls: string[]): Promise<number> {
  const sizes = await Promise.all(
    urls.map(async (url) => {
      const response = await fetch(url, { headers: { "Accept-Encoding": "gzip" } });
      const length = Number(response.headers.get("content-length"));
      await response.arrayBuffer();
      // A file under 1 KB is sent as it is.
      if (!Number.isFinite(length) || !["gzip", null].includes(response.headers.get("content-encoding"))) throw new Error(`${url}: no length`);
      return length;
    }),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

async function measure(browser: Browser, url: string, session: { cookie: string; baseURL: string }): Promise<Measure> {
  const { context, page } = await openPage(browser, { session, viewport: { width: 390, height: 844 } });
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: PHONE.latencyMs,
      downloadThroughput: PHONE.downloadBytesPerSecond,
      uploadThroughput: PHONE.uploadBytesPerSecond,
    });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: PHONE.cpuSlowdown });
    const response = await page.goto(url, { waitUntil: "load" });
    // Scripts the page imports on demand (its language's messages) may finish after `load`.
    await page.waitForLoadState("networkidle");
    if (!response || response.status() >= 400) throw new Error(`${url}: ${response?.status()}`);
    if (new URL(page.url()).pathname !== new URL(url).pathname) throw new Error(`${url} went to ${page.url()}`);
    const seen = await page.evaluate(() => {
      const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      const scripts = resources.filter((r) => /\.m?js(\?|$)/.test(new URL(r.name).pathname));
      // The language's messages, data the page needs before it hydrates (see message-files.server.ts).
      const messages = resources.filter((r) => new URL(r.name).pathname.startsWith("/messages/"));
      return {
        urls: scripts.map((r) => r.name),
        messageUrls: [...new Set(messages.map((r) => r.name))],
        jsWire: scripts.reduce((sum, r) => sum + r.encodedBodySize, 0),
        jsUnpacked: scripts.reduce((sum, r) => sum + r.decodedBodySize, 0),
        scripts: scripts.length,
        loadMs: navigation.loadEventEnd - navigation.startTime,
        // The last script and messages in: the page can hydrate (become interactive) from here.
        readyMs: Math.max(navigation.loadEventEnd, ...[...scripts, ...messages].map((r) => r.responseEnd)) - navigation.startTime,
        htmlWire: navigation.encodedBodySize,
      };
    });
    const { urls, messageUrls, ...measured } = seen;
    return { ...measured, jsGzip: await gzipBytes(urls), messagesGzip: await gzipBytes(messageUrls) };
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The demo patient's pages, found as a patient finds them: the directory, a profile, its first free time, the list. */
async function patientPages(baseURL: string) {
  const patient = client(baseURL);
  await patient.signIn(DEMO_ACCOUNTS.patient.email, DEMO_PASSWORD);
  const html = async (path: string) => (await patient.get(path)).text();
  const directory = await html("/doctors");
  const doctor = /href="(\/doctors\/[0-9a-f-]{36})"/.exec(directory)?.[1];
  if (!doctor) throw new Error("no doctor in the directory");
  const profile = await html(doctor);
  // The profile's times are buttons of one GET form: `/doctors/:id/book?start=…`.
  const start = /name="start" value="([^"]+)"/.exec(profile)?.[1];
  const book = start ? `${doctor}/book?start=${encodeURIComponent(start)}` : undefined;
  const list = await html("/appointments");
  const appointment = /href="(\/appointments\/[0-9a-f-]{36})"/.exec(list)?.[1];
  const pages: [string, string | undefined][] = [
    ["home", "/"],
    ["find a doctor", "/doctors"],
    ["a doctor's profile", doctor],
    ["book a time", book],
    ["my appointments", "/appointments"],
    ["an appointment", appointment],
    ["the consultation room", appointment?.replace("/appointments/", "/consult/")],
  ];
  return { cookie: patient.cookie, pages };
}

export async function benchPhone() {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const { cookie, pages } = await patientPages(server.url);
    console.log(
      `phone profile: ${PHONE.cpuSlowdown}× CPU, ${((PHONE.downloadBytesPerSecond * 8) / 1024 / 1024).toFixed(1)} Mbps, ${PHONE.latencyMs} ms; 390 px; cold cache; median of ${RUNS}`,
    );
    let over = 0;
    // Each language downloads its own messages: both are measured (the language cookie chooses).
    for (const locale of ["zh-CN", "en"] as const) {
      const language = `${LOCALE_COOKIE}=${locale}`;
      console.log(`\n${locale.padEnd(24)}${"JS (brotli)".padStart(13)}${"JS (gzip)".padStart(11)}${"unpacked".padStart(10)}${"scripts".padStart(9)}${"messages".padStart(10)}${"HTML".padStart(10)}${"load".padStart(9)}${"scripts in".padStart(12)}`);
      for (const [label, path, signedIn] of [["sign in", "/login", false] as const, ...pages.map(([l, p]) => [l, p, true] as const)]) {
        if (!path) {
          console.log(`${label.padEnd(24)}(not found in the demo hospital)`);
          continue;
        }
        const session = { cookie: signedIn ? `${cookie}; ${language}` : language, baseURL: server.url };
        const runs: Measure[] = [];
        for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, `${server.url}${path}`, session));
        const load = median(runs.map((r) => r.loadMs));
        const ready = median(runs.map((r) => r.readyMs));
        const m = runs[0]!;
        const fails = m.jsGzip > JS_BUDGET_BYTES || ready > LOAD_BUDGET_MS;
        if (fails) over++;
        console.log(
          `${label.padEnd(24)}${kb(m.jsWire).padStart(13)}${kb(m.jsGzip).padStart(11)}${kb(m.jsUnpacked).padStart(10)}${String(m.scripts).padStart(9)}${kb(m.messagesGzip).padStart(10)}${kb(m.htmlWire).padStart(10)}${`${(load / 1000).toFixed(2)} s`.padStart(9)}${`${(ready / 1000).toFixed(2)} s`.padStart(12)}${fails ? "  over budget" : ""}`,
        );
      }
    }
    console.log(`\nbudget: ≤ ${kb(JS_BUDGET_BYTES)} of JS in gzip and every script and the messages in ≤ ${LOAD_BUDGET_MS / 1000} s per page; ${over} page(s) over`);
    console.log("messages: the language's messages as JSON (gzip), fetched with the scripts and kept a year; not JavaScript, not in the JS column");
  } finally {
    await browser.close();
    await server.stop();
  }
}
