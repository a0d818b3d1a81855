import { describe, expect, inject, it } from "vitest";

const baseURL = inject("baseURL");

/** The doctors' profile links a directory search answers with. */
async function found(q: string) {
  const html = await (await fetch(`${baseURL}/doctors?q=${encodeURIComponent(q)}`, { headers: { "Accept-Language": "en" } })).text();
  return new Set([...html.matchAll(/href="\/doctors\/([0-9a-f-]{36})"/g)].map((m) => m[1]));
}

describe("searching the directory in a patient's own words", () => {
  it("finds the doctors for 发热 when the patient types 发烧, and as many", async () => {
    const everyday = await found("发烧");
    expect(everyday.size).toBeGreaterThan(0);
    for (const id of await found("发热")) expect(everyday.has(id)).toBe(true);
  });

  it("finds dermatologists for 'rash' and 皮疹, cardiologists for 胸痛, sleep for 失眠", async () => {
    const dermatology = await found("Dermatology");
    expect(dermatology.size).toBeGreaterThan(0);
    for (const q of ["rash", "皮疹"]) for (const id of dermatology) expect((await found(q)).has(id), q).toBe(true);
    expect((await found("胸痛")).size).toBeGreaterThan(0);
    expect((await found("失眠")).size).toBeGreaterThan(0);
  });

  it("answers words that find nobody with every department to try, and shows each doctor's times left this week", async () => {
    const html = await (await fetch(`${baseURL}/doctors?q=${encodeURIComponent("zzqx nobody")}`, { headers: { "Accept-Language": "en" } })).text();
    expect(html).toContain("No doctor matches your search.");
    expect([...html.matchAll(/href="\/doctors\?department=[a-z-]+"/g)].length).toBeGreaterThanOrEqual(6);
    const all = await (await fetch(`${baseURL}/doctors`, { headers: { "Accept-Language": "en" } })).text();
    expect(all).toMatch(/(\d+ times?|none) left in the next 7 days/);
  });
});
