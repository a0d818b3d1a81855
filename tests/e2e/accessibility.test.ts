import axe from "axe-core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { openConsultation } from "../helpers/consult-e2e";
import { accountIdIn, client } from "../helpers/http";
import { demoAdmin } from "../helpers/second-factor";

const baseURL = inject("baseURL");
/** axe-core's browser script, evaluated in each page (through the debugger: the pages' CSP allows no injected script). */
const AXE = axe.source;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(CALL_ARGS);
});
afterAll(async () => {
  await browser?.close();
});

type Finding = { page: string; rule: string; impact: string; nodes: string[] };

/** Every serious or critical axe finding on each page, opened as this person in this language. */
async function scan(cookie: string | null, paths: string[], locale: "en-US" | "zh-CN"): Promise<Finding[]> {
  const { context, page } = await openPage(browser, {
    locale,
    viewport: { width: 1280, height: 800 },
    session: { cookie: [cookie, `yz_lang=${locale === "zh-CN" ? "zh-CN" : "en"}`].filter(Boolean).join("; "), baseURL },
  });
  const findings: Finding[] = [];
  try {
    for (const path of paths) {
      await page.goto(`${baseURL}${path}`);
      await page.waitForLoadState("networkidle").catch(() => {});
      await page.evaluate(AXE);
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe;
        return (await axe.run(document, { resultTypes: ["violations"] })).violations.map((v) => ({ id: v.id, impact: v.impact ?? "", nodes: v.nodes.map((n) => n.target.join(" ")) }));
      });
      for (const v of violations) {
        if (v.impact === "serious" || v.impact === "critical") findings.push({ page: `${locale} ${path}`, rule: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3) });
      }
    }
  } finally {
    await context.close();
  }
  return findings;
}

async function signedIn(email: string) {
  const person = client(baseURL);
  await person.signIn(email, DEMO_PASSWORD);
  return person.cookie;
}

describe("every page, in both languages, by axe-core", () => {
  it("has no serious or critical accessibility finding", async () => {
    const room = await openConsultation(baseURL);
    const html = await (await fetch(`${baseURL}/doctors`)).text();
    const doctor = /href="(\/doctors\/[0-9a-f-]{36})"/.exec(html)![1]!;
    const start = /name="start" value="([^"]+)"/.exec(await (await fetch(`${baseURL}${doctor}`)).text())?.[1];
    const [staff, demoDoctor, admin] = await Promise.all([signedIn(DEMO_ACCOUNTS.staff.email), signedIn(DEMO_ACCOUNTS.doctor.email), demoAdmin(baseURL)]);
    const account = accountIdIn(await (await admin.get("/admin/users")).text(), room.doctorEmail);
    const visits: [string | null, string[]][] = [
      [null, ["/", "/login", "/register", "/doctors", doctor, "/doctors?q=zzqx", "/join/not-a-link", `/guest/${"A".repeat(43)}`, "/no/such/page"]],
      [
        room.patient.cookie,
        ["/", "/appointments", `/appointments/${room.appointmentId}`, `/consult/${room.appointmentId}`, "/account/password", ...(start ? [`${doctor}/book?start=${encodeURIComponent(start)}`] : [])],
      ],
      [room.doctor.cookie, [`/consult/${room.appointmentId}`, `/appointments/${room.appointmentId}`]],
      [demoDoctor, ["/doctor/today", "/doctor/availability"]],
      [staff, ["/clinic/schedule", "/clinic/schedule?view=week"]],
      [admin.cookie, ["/admin/users", `/admin/users/${account}`, "/admin/settings", "/admin/audit", "/admin/outbox"]],
    ];
    // The two languages side by side (each its own browser context): axe waits on the page as much as it works.
    const scans = await Promise.all(
      (["zh-CN", "en-US"] as const).map(async (locale) => {
        const found: Finding[] = [];
        for (const [cookie, paths] of visits) found.push(...(await scan(cookie, paths, locale)));
        return found;
      }),
    );
    expect(scans.flat()).toEqual([]);
  }, 300_000);
});
