import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_DOCTORS, DEMO_PASSWORD } from "~db/demo-hospital";
import { addDays, localDateOf } from "~/utils/zoned-time";
import { launchBrowser, openPage } from "../helpers/browser";
import { client } from "../helpers/http";
import { demoAdmin } from "../helpers/second-factor";

const baseURL = inject("baseURL");
const ZONE = "Asia/Shanghai"; // the browser's time zone in openPage, and so the date filter's
let browser: Browser;
let admin: ReturnType<typeof client>;
const patientEmail = `audit-${randomBytes(4).toString("hex")}@test.example`;
const PASSWORD = "a good long password";
/** Registration (account created, signed in) and then this many sign-ins more: more than one page. */
const SIGN_INS = 54;

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await demoAdmin(baseURL); // two-step sign-in: the setup's session
  await client(baseURL).register(patientEmail, PASSWORD);
  for (let i = 0; i < SIGN_INS; i++) await client(baseURL).signIn(patientEmail, PASSWORD);
});
afterAll(async () => {
  await browser?.close();
});

/** The fields of one CSV line (quoted fields may hold commas and doubled quotes). */
const csvFields = (line: string) =>
  [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].slice(0, -1).map((m) => m[1]!.replace(/^"(.*)"$/s, "$1").replace(/""/g, '"'));

const numbers = (page: Page) => page.locator("table.audit-table tbody tr td:first-child").allInnerTexts();
const actions = (page: Page) => page.locator("table.audit-table tbody tr td:nth-child(4)").allInnerTexts();

describe("the audit page", () => {
  it("is for admins only: a visitor signs in first, every other role is refused, page and export alike", async () => {
    const statuses = async (c: ReturnType<typeof client>) => [(await c.get("/admin/audit")).status, (await c.get("/admin/audit/csv")).status];
    const as = async (email: string) => {
      const c = client(baseURL);
      await c.signIn(email, DEMO_PASSWORD);
      return statuses(c);
    };
    expect(await statuses(client(baseURL))).toEqual([302, 302]);
    expect(await as(DEMO_ACCOUNTS.patient.email)).toEqual([403, 403]);
    expect(await as(DEMO_DOCTORS[3]!.email)).toEqual([403, 403]);
    expect(await as(DEMO_ACCOUNTS.staff.email)).toEqual([403, 403]);
    expect(await statuses(admin)).toEqual([200, 200]);
    const anonymous = await client(baseURL).get("/admin/audit?person=x");
    expect(anonymous.headers.get("Location")).toBe(`/login?redirectTo=${encodeURIComponent("/admin/audit?person=x")}`);
  });

  it("filters by person and action, and pages through every row once, newest first", async () => {
    const { page, context, errors } = await openPage(browser, { viewport: { width: 1400, height: 900 }, session: { cookie: admin.cookie, baseURL } });
    await page.goto(`${baseURL}/admin/audit`);
    await page.getByLabel("Person (email)").fill(patientEmail);
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/person=/);
    // The address changes before the filtered rows are drawn: wait for the page that carries the filter.
    await expect.poll(() => page.getByRole("link", { name: "Older →" }).getAttribute("href")).toMatch(/person=/);
    const first = await numbers(page);
    expect(first).toHaveLength(50);
    await page.getByRole("link", { name: "Older →" }).click();
    await expect.poll(async () => (await numbers(page))[0]).not.toBe(first[0]);
    const second = await numbers(page);
    expect(second).toHaveLength(SIGN_INS + 2 - 50);
    expect(await page.getByRole("link", { name: "Older →" }).count()).toBe(0);
    const all = [...first, ...second].map(Number);
    expect(all).toEqual([...all].sort((a, b) => b - a)); // newest first, no repeat
    expect(new Set(all).size).toBe(SIGN_INS + 2);
    expect((await actions(page)).at(-1)).toBe("Account created");
    await page.getByRole("link", { name: "← Newer" }).click();
    await expect.poll(() => numbers(page)).toEqual(first);

    await page.getByLabel("Action").selectOption({ label: "Signed in" });
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/action=auth.signed_in/);
    expect(new Set(await actions(page))).toEqual(new Set(["Signed in"]));
    expect(errors).toEqual([]);
    await context.close();
  });

  it("filters by patient and by dates in the viewer's time zone, and says what it cannot find", async () => {
    const { page, context, errors } = await openPage(browser, { viewport: { width: 1400, height: 900 }, session: { cookie: admin.cookie, baseURL } });
    const today = localDateOf(new Date(), ZONE);
    const query = (params: Record<string, string>) => `${baseURL}/admin/audit?${new URLSearchParams(params)}`;
    await page.goto(query({ patient: patientEmail, from: addDays(today, -1), to: addDays(today, 1) }));
    expect((await numbers(page)).length).toBe(50);
    await page.goto(query({ patient: patientEmail, from: addDays(today, 2) }));
    await expect.poll(() => page.getByRole("status").textContent()).toBe("No events match these filters.");
    await page.goto(query({ patient: "nobody@nowhere.example", from: addDays(today, 1), to: addDays(today, -1) }));
    const alerts = await page.getByRole("alert").allInnerTexts();
    expect(alerts).toEqual(["No account has this email.", "The start date is after the end date."]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("speaks Chinese", async () => {
    const { page, context, errors } = await openPage(browser, { locale: "zh-CN", viewport: { width: 1400, height: 900 }, session: { cookie: admin.cookie, baseURL } });
    await context.setExtraHTTPHeaders({ "Accept-Language": "zh-CN" });
    await page.goto(`${baseURL}/admin/audit?${new URLSearchParams({ person: patientEmail, action: "auth.signed_in" })}`);
    expect(await page.locator("h1").textContent()).toBe("审计日志");
    expect(new Set(await actions(page))).toEqual(new Set(["登录"]));
    expect(await page.getByRole("link", { name: "较早 →" }).count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("exports the filtered rows as CSV, and records the export, as it records the schedule's", async () => {
    const response = await admin.get(`/admin/audit/csv?${new URLSearchParams({ person: patientEmail })}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="audit-trail-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("\uFEFFseq,time_utc,actor_id,actor_name,actor_role,action,entity_type,entity_id,patient_id,patient_name,client_address,detail,hash");
    const rows = lines.slice(1).map(csvFields);
    for (const row of rows) expect(row).toHaveLength(13);
    expect(rows).toHaveLength(SIGN_INS + 2);
    expect(rows.filter((r) => r[5] === "auth.signed_in")).toHaveLength(SIGN_INS + 1);
    expect(rows.at(-1)![5]).toBe("account.created");
    for (const row of rows) expect(row[12]).toMatch(/^[0-9a-f]{64}$/);

    const staff = client(baseURL);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    expect((await staff.get("/clinic/schedule/csv")).status).toBe(200);

    const exports = await (await admin.get(`/admin/audit?${new URLSearchParams({ action: "audit.exported", person: DEMO_ACCOUNTS.admin.email })}`)).text();
    expect(exports).toContain("Audit trail downloaded (CSV)");
    const schedule = await (await admin.get(`/admin/audit?${new URLSearchParams({ action: "schedule.exported", person: DEMO_ACCOUNTS.staff.email })}`)).text();
    expect(schedule).toContain("Schedule downloaded (CSV)");
    const unknown = await admin.get(`/admin/audit/csv?person=nobody%40nowhere.example`);
    expect(unknown.status).toBe(404);
  });
});
