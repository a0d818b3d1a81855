import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openPage } from "../helpers/browser";
import { makeTestDoctor } from "../helpers/consult-e2e";
import { accountIdIn, client } from "../helpers/http";
import { demoAdmin } from "../helpers/second-factor";

const baseURL = inject("baseURL");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const unique = () => randomBytes(3).toString("hex");

describe("an admin editing a doctor's account at /admin/users/:userId", () => {
  it("changes names, department, title, specialties and biography, seen at once in the directory, its search and the profile, in both languages", async () => {
    const doctor = await makeTestDoctor(baseURL);
    const admin = await demoAdmin(baseURL);
    const usersPage = await (await admin.get("/admin/users")).text();
    const userId = accountIdIn(usersPage, doctor.email);
    // The department before the doctor's (the last): the directory's first page stays the demo hospital's.
    const [departmentId, departmentEn] = [...usersPage.matchAll(/<option value="([0-9a-f-]{36})">([^<]+)<\/option>/g)].at(-2)!.slice(1) as [string, string];
    const tag = unique();
    const nameEn = `Zhou Edited ${tag}`;
    const nameZh = `周改名${tag}`;
    const specialtyEn = `Vertigo clinic ${tag}`;
    const specialtyZh = `眩晕门诊${tag}`;

    const { page, context, errors } = await openPage(browser, { viewport: { width: 1280, height: 900 }, session: { cookie: admin.cookie, baseURL } });
    await page.goto(`${baseURL}/admin/users`);
    await page.locator(`a[href="/admin/users/${userId}"]`).click();
    await page.waitForURL(`${baseURL}/admin/users/${userId}`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Edit account");

    // A refused form: errors beside the fields, and everything typed is still there.
    await page.getByLabel("Name in Chinese").fill(nameZh);
    await page.getByLabel("Name in English").fill("");
    await page.getByLabel("Specialties").fill(`${specialtyZh} ${specialtyEn}`);
    await page.getByLabel("Biography in English").fill("Typed, not yet saved.");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => page.locator(".field--invalid").count()).toBe(2);
    expect(await page.locator(".field--invalid", { has: page.getByLabel("Name in English") }).innerText()).toContain("Enter the name.");
    expect(await page.locator(".field--invalid", { has: page.getByLabel("Specialties") }).innerText()).toContain("Chinese | English");
    expect(await page.getByLabel("Name in Chinese").inputValue()).toBe(nameZh);
    expect(await page.getByLabel("Specialties").inputValue()).toBe(`${specialtyZh} ${specialtyEn}`);
    expect(await page.getByLabel("Biography in English").inputValue()).toBe("Typed, not yet saved.");

    await page.getByLabel("Name in English").fill(nameEn);
    await page.getByLabel("Department").selectOption(departmentId);
    await page.getByLabel("Title").selectOption("chief");
    await page.getByLabel("Specialties").fill(`${specialtyZh} | ${specialtyEn}\n慢性头痛 | Chronic headache`);
    await page.getByLabel("Consultation languages").fill("zh, en");
    await page.getByLabel("Biography in Chinese").fill(`擅长眩晕诊治。${tag}`);
    await page.getByLabel("Biography in English").fill(`Sees people with dizziness. ${tag}`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toBe("Changes saved. The directory shows them now.");
    expect(await page.locator(".field--invalid").count()).toBe(0);

    // The directory, at once: searched by the new specialty in either language, and the profile.
    const english = client(baseURL, "en");
    const found = await (await english.get(`/doctors?q=${encodeURIComponent(specialtyEn.toLowerCase())}`)).text();
    expect(found).toContain(nameEn);
    expect(found).toContain(`/doctors/${doctor.id}`);
    expect(found).toContain(departmentEn);
    const chinese = client(baseURL, "zh-CN");
    const foundZh = await (await chinese.get(`/doctors?q=${encodeURIComponent(specialtyZh)}`)).text();
    expect(foundZh).toContain(nameZh);

    await page.goto(`${baseURL}/doctors/${doctor.id}`);
    const profile = await page.locator(".doctor-card--profile").innerText();
    for (const text of [nameEn, "Chief Physician", departmentEn, specialtyEn, "Chronic headache", `Sees people with dizziness. ${tag}`]) expect(profile).toContain(text);
    const profileZh = await (await chinese.get(`/doctors/${doctor.id}`)).text();
    for (const text of [nameZh, specialtyZh, `擅长眩晕诊治。${tag}`]) expect(profileZh).toContain(text);

    // The edit page offers deactivation and reactivation (the same as the list's).
    await page.goto(`${baseURL}/admin/users/${userId}`);
    expect(await page.getByLabel("Name in English").inputValue()).toBe(nameEn);
    await page.getByText("Deactivate…").click();
    await page.getByRole("button", { name: "Deactivate account" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain(`${doctor.email} was deactivated`);
    expect((await doctor.client.get("/doctor/today")).status).toBe(302);
    await page.getByRole("button", { name: "Reactivate" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain(`${doctor.email} can sign in again`);
    await client(baseURL).signIn(doctor.email, doctor.password);

    expect(errors).toEqual([]);
    await context.close();
  });

  it("answers a refused form with 400 and what was typed, an unknown account with 404, a patient's with 403", async () => {
    const doctor = await makeTestDoctor(baseURL);
    const admin = await demoAdmin(baseURL);
    const userId = accountIdIn(await (await admin.get("/admin/users")).text(), doctor.email);
    const refused = await admin.post(`/admin/users/${userId}`, {
      nameZh: "留下的名字",
      nameEn: "Kept Name",
      departmentId: "not a department",
      title: "attending",
      specialties: "",
      languages: "zh",
      bioZh: "",
      bioEn: "",
      defaultConsultationMinutes: "500",
    });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('value="留下的名字"');
    expect(html).toContain("Enter a whole number of minutes from 5 to 120.");
    expect(html).toContain('value="500"');

    expect((await admin.get(`/admin/users/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await admin.post(`/admin/users/${crypto.randomUUID()}`, { displayName: "Nobody" })).status).toBe(404);
    expect((await admin.get("/admin/users/not-an-id")).status).toBe(404);
    const patient = client(baseURL);
    const patientEmail = `edit-${unique()}@test.example`;
    await patient.register(patientEmail);
    const patientId = accountIdIn(await (await admin.get("/admin/users")).text(), patientEmail);
    expect((await admin.get(`/admin/users/${patientId}`)).status).toBe(403);
  });
});
