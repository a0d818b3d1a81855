import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { CALL_ARGS, launchBrowser, openPage } from "../helpers/browser";
import { boardOf, openConsultation } from "../helpers/consult-e2e";
import { client } from "../helpers/http";
import { demoAdmin } from "../helpers/second-factor";

/**
 * Markup and script that people type — a patient's name, a booking reason, a consult note — reach other
 * people's screens as text. Each payload tries a different way out: element content, an attribute value,
 * a <textarea>, the inline <script> that carries Remix's loader data, and a URL.
 *
 * The Content-Security-Policy would stop most of these from running even if they were written into the
 * page as markup, so "no alert" alone would not show that the text is escaped. Every page is therefore
 * checked four ways: the HTML as served holds no payload's opening tag, no element or attribute a payload
 * would create exists in the DOM once React has hydrated, no dialog opens, and the payload is on the page
 * as the literal text the person typed. A script the CSP blocked would also log a violation, which
 * `openPage` turns into a failure.
 */
const NAME = `Ann <img src=x onerror=alert(1)> "><svg onload=alert(2)>`;
const REASON = `Cough </script><script>alert(3)</script> javascript:alert(4) <img src=x onerror=alert(5)>`;
const NOTE = {
  Subjective: `<script>alert(11)</script>`,
  Objective: `"><svg onload=alert(12)>`,
  Assessment: `</textarea><img src=x onerror=alert(13)>`,
  Plan: `Rest </p><img src=x onerror=alert(14)>`,
  Diagnosis: `Bronchitis "><svg onload=alert(15)>`,
  "Advice for the patient": `<a href="javascript:alert(16)">Read this</a> javascript:alert(17)`,
};
const ADDENDUM = `</p><script>alert(18)</script><iframe src="javascript:alert(19)"></iframe>`;

const baseURL = inject("baseURL");
let browser: Browser;
let room: Awaited<ReturnType<typeof openConsultation>>;
const staff = client(baseURL);
let admin: ReturnType<typeof client>;

beforeAll(async () => {
  // Fake camera and microphone: the doctor's room page opens its device check.
  browser = await launchBrowser(CALL_ARGS);
  room = await openConsultation(baseURL, { fullName: NAME, reason: REASON });
  // Checked in, the patient is also listed in the doctor's waiting room.
  expect((await room.patient.post(`/consult/${room.appointmentId}`, { intent: "checkIn" })).status).toBe(302);
  await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
  admin = await demoAdmin(baseURL);
});
afterAll(async () => {
  await browser?.close();
});

type View = Awaited<ReturnType<typeof openPage>> & { dialogs: string[]; missingAssets: string[]; html: string };

/** A signed-in page that records every dialog (and dismisses it); the note's own "Sign?" question is answered. */
async function openAs(person: { cookie: string }): Promise<View> {
  const view = await openPage(browser, { session: { cookie: person.cookie, baseURL }, viewport: { width: 1400, height: 1000 } });
  const dialogs: string[] = [];
  view.page.on("dialog", (dialog) => {
    if (dialog.type() === "confirm" && dialog.message().startsWith("Sign the note?")) return void dialog.accept();
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  // `openPage` lets 4xx answers pass; a missing script of the app's own would only show as a page that never hydrates.
  const missingAssets: string[] = [];
  view.page.on("response", (response) => {
    if (response.status() >= 400 && new URL(response.url()).pathname.startsWith("/build/")) missingAssets.push(`${response.status()} ${response.url()}`);
  });
  return { ...view, dialogs, missingAssets, html: "" };
}

/** Loads a page and waits until React has hydrated it: what the client renders counts as much as the HTML. */
async function visit(view: View, path: string) {
  const response = await view.page.goto(`${baseURL}${path}`);
  view.html = (await response?.text()) ?? "";
  expect(view.missingAssets, "the app's own scripts and styles (was the build replaced while the test ran?)").toEqual([]);
  await view.page.waitForFunction(() => (window as { __remixRouter?: { state: { initialized: boolean } } }).__remixRouter?.state.initialized, null, {
    timeout: 15_000,
  });
}

/** What the payloads would leave behind had any of them been parsed as markup. */
function injected(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("*")].flatMap((el) => {
      const found = el
        .getAttributeNames()
        .filter((name) => name.toLowerCase().startsWith("on"))
        .map((name) => `<${el.localName} ${name}>`);
      if (el.matches('img[src="x"], iframe, object, embed')) found.push(el.outerHTML);
      if (/^\s*javascript:/i.test(el.getAttribute("href") ?? el.getAttribute("src") ?? "")) found.push(el.outerHTML);
      // Remix's own data script quotes the payloads inside JSON; an injected script is nothing but the call.
      if (el.localName === "script" && /^\s*alert\(\d+\)\s*$/.test(el.textContent ?? "")) found.push(el.outerHTML);
      return found;
    }),
  );
}

/** The payloads' opening tags, as they would appear in the page's HTML had any of them gone in unescaped. */
const OPENING_TAGS = ["<img src=x", "<script>alert(", "<svg onload", "<iframe", '<a href="javascript:'];

async function expectInert(view: View, shownLiterally: string[]) {
  const where = view.page.url();
  // Escaped before it reached the browser: in the markup and in the loader data Remix inlines as a script.
  for (const tag of OPENING_TAGS) expect(view.html, `the HTML of ${where}`).not.toContain(tag);
  const text = (await view.page.locator("main").textContent()) ?? "";
  for (const payload of shownLiterally) expect(text, `${payload} shown as text on ${where}`).toContain(payload);
  expect(await injected(view.page), where).toEqual([]);
  expect(view.dialogs, where).toEqual([]);
  expect(view.errors, where).toEqual([]);
}

describe("markup in a patient's name and booking reason", () => {
  it("stays inert text for the patient, the doctor, clinic staff and the admin", async () => {
    const patient = await openAs(room.patient);
    await visit(patient, `/appointments/${room.appointmentId}`);
    await expectInert(patient, [REASON]);

    const doctor = await openAs(room.doctor);
    await visit(doctor, "/doctor/today");
    await expectInert(doctor, [NAME, REASON]);
    await visit(doctor, `/consult/${room.appointmentId}`);
    await expectInert(doctor, [NAME, REASON]);
    expect(await doctor.page.locator(".waiting-list").textContent()).toContain(NAME);
    expect(await doctor.page.locator(".waiting-list").textContent()).toContain(REASON);

    const clinic = await openAs(staff);
    await visit(clinic, boardOf(room));
    await expectInert(clinic, [NAME]);
    expect(await clinic.page.locator(`a.blk[href="/appointments/${room.appointmentId}"]`).getAttribute("title")).toContain(NAME);
    await visit(clinic, `/appointments/${room.appointmentId}`);
    await expectInert(clinic, [NAME, REASON]);

    const adminView = await openAs(admin);
    await visit(adminView, "/admin/users");
    await expectInert(adminView, [NAME]);

    for (const view of [patient, doctor, clinic, adminView]) await view.context.close();
  });
});

describe("markup in a consult note", () => {
  it("stays inert text in the doctor's note, its addendum, and the patient's visit summary", async () => {
    const doctor = await openAs(room.doctor);
    await visit(doctor, `/consult/${room.appointmentId}`);
    for (const [label, payload] of Object.entries(NOTE)) await doctor.page.getByLabel(label, { exact: true }).fill(payload);
    // "Saved" only once the server has every field the doctor typed.
    await expect.poll(() => doctor.page.locator('[data-state="saved"]:not([data-version="0"])').count(), { timeout: 5000 }).toBe(1);
    await expectInert(doctor, []);

    // What the server stored and now renders, not what the doctor's own typing left on the page.
    await visit(doctor, `/consult/${room.appointmentId}`);
    for (const [label, payload] of Object.entries(NOTE)) expect(await doctor.page.getByLabel(label, { exact: true }).inputValue()).toBe(payload);
    await expectInert(doctor, []);

    await doctor.page.getByRole("button", { name: "Sign note" }).click();
    await expect.poll(() => doctor.page.getByText(/^Signed on/).count()).toBe(1);
    await doctor.page.locator("#addendum").fill(ADDENDUM);
    await doctor.page.getByRole("button", { name: "Add addendum" }).click();
    await expect.poll(() => doctor.page.locator("main").getByText(ADDENDUM).count()).toBe(1);
    await visit(doctor, `/consult/${room.appointmentId}`);
    for (const [label, payload] of Object.entries(NOTE)) expect(await doctor.page.getByLabel(label, { exact: true }).inputValue()).toBe(payload);
    await expectInert(doctor, [ADDENDUM]);

    const patient = await openAs(room.patient);
    await visit(patient, `/appointments/${room.appointmentId}`);
    await expect.poll(() => patient.page.getByRole("heading", { name: "Visit summary" }).count()).toBe(1);
    await expectInert(patient, [NOTE.Diagnosis, NOTE.Plan, NOTE["Advice for the patient"]]);

    await doctor.context.close();
    await patient.context.close();
  });
});
