import { describe, expect, it } from "vitest";
import { languagesText, parseLanguages, parseSpecialties, specialtiesText } from "~/features/accounts/profile-text";

describe("a doctor's specialties as the admin's form writes them", () => {
  it("reads one specialty a line, Chinese | English, skipping blank lines and spaces, and writes them back the same way", () => {
    const parsed = parseSpecialties("  高血压 | Hypertension \r\n\n冠心病|Coronary heart disease\n");
    expect(parsed).toEqual({
      ok: true,
      value: [
        { zh: "高血压", en: "Hypertension" },
        { zh: "冠心病", en: "Coronary heart disease" },
      ],
    });
    if (parsed.ok) expect(parseSpecialties(specialtiesText(parsed.value))).toEqual(parsed);
    expect(parseSpecialties("   \n")).toEqual({ ok: true, value: [] });
  });

  it("refuses a line without both names, with a second separator, too long, a specialty twice, or more than 20", () => {
    expect(parseSpecialties("高血压")).toEqual({ ok: false, error: "error.specialtyLine" });
    expect(parseSpecialties("高血压 | ")).toEqual({ ok: false, error: "error.specialtyLine" });
    expect(parseSpecialties(" | Hypertension")).toEqual({ ok: false, error: "error.specialtyLine" });
    expect(parseSpecialties("a | b | c")).toEqual({ ok: false, error: "error.specialtyLine" });
    expect(parseSpecialties(`高血压 | ${"x".repeat(61)}`)).toEqual({ ok: false, error: "error.specialtyLine" });
    expect(parseSpecialties(`高血压 | ${"x".repeat(60)}`).ok).toBe(true);
    expect(parseSpecialties("高血压 | Hypertension\n高血压病 | hypertension")).toEqual({ ok: false, error: "error.specialtyTwice" });
    const many = Array.from({ length: 21 }, (_, i) => `专长${i} | Specialty ${i}`).join("\n");
    expect(parseSpecialties(many)).toEqual({ ok: false, error: "error.tooManySpecialties" });
  });
});

describe("a doctor's consultation languages as the admin's form writes them", () => {
  it("reads codes separated by commas, spaces or 、 in their canonical spelling, each once, and writes them back", () => {
    expect(parseLanguages("zh, EN  yue、zh-hk,en")).toEqual({ ok: true, value: ["zh", "en", "yue", "zh-HK"] });
    expect(parseLanguages(languagesText(["zh", "en"]))).toEqual({ ok: true, value: ["zh", "en"] });
  });

  it("refuses none, anything that is not a language code, and more than 10", () => {
    expect(parseLanguages(" , ")).toEqual({ ok: false, error: "error.languagesRequired" });
    expect(parseLanguages("Chinese")).toEqual({ ok: false, error: "error.languagesInvalid" });
    expect(parseLanguages("zh, e")).toEqual({ ok: false, error: "error.languagesInvalid" });
    expect(parseLanguages("zh-!")).toEqual({ ok: false, error: "error.languagesInvalid" });
    expect(parseLanguages("aa ab ae af ak am an ar as av ay")).toEqual({ ok: false, error: "error.languagesInvalid" });
  });
});
