import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { en } from "~/i18n/en";
import { localeFromAcceptLanguage, translator } from "~/i18n";
import { zhCN } from "~/i18n/zh-CN";
import { messageFiles, messageUrlsFor } from "~/i18n/message-files.server";
import { partsFor, STAFF_NAMESPACES } from "~/i18n/message-parts";
import { resolveViewer } from "~/i18n/viewer.server";

describe("language from Accept-Language", () => {
  it.each([
    ["zh-CN", "zh-CN"],
    ["zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"],
    ["zh-TW", "zh-CN"],
    ["zh", "zh-CN"],
    ["en-US,en;q=0.9", "en"],
    ["en;q=0.9,zh-CN;q=0.8", "en"],
    ["en;q=0.5,zh;q=0.8", "zh-CN"],
    ["fr-FR,de;q=0.9", "en"],
    ["zh;q=0", "en"],
    ["", "en"],
  ])("%s gives %s", (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });
});

describe("the viewer's language and time zone", () => {
  const patient = { id: "u", email: "e", displayName: "n", role: "patient" as const, locale: "en" as const, timeZone: "Europe/Berlin", secondFactorVerified: false, onlyAppointmentId: null };

  it("follows the language switch's cookie over the account and the browser", () => {
    expect(resolveViewer({ cookie: "yz_lang=zh-CN", acceptLanguage: "en" }, patient, "Asia/Shanghai").locale).toBe("zh-CN");
  });

  it("uses the account's saved language when no switch was used on this device", () => {
    expect(resolveViewer({ acceptLanguage: "zh-CN" }, patient, "Asia/Shanghai").locale).toBe("en");
  });

  it("ignores an unknown language in the cookie", () => {
    expect(resolveViewer({ cookie: "yz_lang=fr", acceptLanguage: "zh-CN" }, null, "Asia/Shanghai").locale).toBe("zh-CN");
  });

  it("shows times in the account's zone, else the browser's, else the clinic's", () => {
    expect(resolveViewer({ cookie: "yz_tz=America%2FNew_York" }, patient, "Asia/Shanghai").timeZone).toBe("Europe/Berlin");
    expect(resolveViewer({ cookie: "yz_tz=America%2FNew_York" }, null, "Asia/Shanghai").timeZone).toBe("America/New_York");
    expect(resolveViewer({ cookie: "yz_tz=Mars%2FOlympus" }, null, "Asia/Shanghai").timeZone).toBe("Asia/Shanghai");
    expect(resolveViewer({}, null, "America/New_York").timeZone).toBe("America/New_York");
  });
});

describe("dictionaries", () => {
  it("have the same keys and no empty string in both languages", () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of [...Object.entries(en), ...Object.entries(zhCN)]) {
      expect(value.trim(), key).not.toBe("");
    }
  });

  it("use the same placeholders in both languages", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)(?:\}|, plural,)/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("fill placeholders and leave unknown ones visible", () => {
    expect(translator("en")("home.doctorsCount", { count: 3 })).toBe("3 doctors");
    expect(translator("zh-CN")("home.doctorsCount", { count: 3 })).toBe("3 位医生");
    expect(translator("en")("home.doctorsCount")).toBe(en["home.doctorsCount"]);
  });

  it("give the labels people rely on in English", () => {
    const t = translator("en");
    expect([t("auth.email"), t("auth.password"), t("auth.fullName")]).toEqual(["Email", "Password", "Full name"]);
    expect([t("auth.signIn"), t("auth.createAccount"), t("nav.signOut")]).toEqual(["Sign in", "Create account", "Sign out"]);
  });
});

describe("numbers in messages", () => {
  const t = translator("en");

  it("take the plural form the language's rules pick: 1 doctor, 2 doctors, 0 doctors", () => {
    expect(t("doctors.count", { count: 1 })).toBe("1 doctor");
    expect(t("doctors.count", { count: 2 })).toBe("2 doctors");
    expect(t("doctors.count", { count: 0 })).toBe("0 doctors");
    expect(t("schedule.doctors", { count: 1, departments: 1 })).toBe("1 doctor in 1 department");
    expect(t("error.rateLimited", { seconds: 1 })).toBe("Too many requests. Please try again in 1 second.");
    expect(t("error.rateLimited", { seconds: "30" })).toBe("Too many requests. Please try again in 30 seconds.");
  });

  it("read the same in Chinese, which has one form", () => {
    expect(translator("zh-CN")("doctors.count", { count: 1 })).toBe(zhCN["doctors.count"].replace("{count}", "1"));
  });

  it("leave a plural untouched when its number is missing", () => {
    expect(t("doctors.count", {})).toBe(en["doctors.count"]);
  });
});

describe("the messages a browser loads", () => {
  it("are everyone's for a visitor and a patient, and the hospital's part too for doctors, staff and admins", () => {
    expect(partsFor(null)).toEqual(["everyone"]);
    expect(partsFor("patient")).toEqual(["everyone"]);
    for (const role of ["doctor", "staff", "admin"] as const) expect(partsFor(role)).toEqual(["everyone", "staff"]);
  });

  it("hold every message of both languages, each in one part, in files named by their content", () => {
    const files = messageFiles();
    for (const [locale, dictionary] of [["en", en], ["zh-CN", zhCN]] as const) {
      const parts = files.filter((file) => file.locale === locale).map((file) => JSON.parse(file.body.toString()) as Record<string, string>);
      expect(parts.flatMap(Object.keys).sort()).toEqual(Object.keys(dictionary).sort());
      expect(Object.assign({}, ...parts)).toEqual(dictionary);
    }
    for (const file of files) expect(file.urlPath).toMatch(new RegExp(`^/messages/${file.locale}-${file.part}-[0-9a-f]{12}\\.json$`));
    expect(messageUrlsFor("zh-CN", "patient")).toEqual([files.find((f) => f.locale === "zh-CN" && f.part === "everyone")!.urlPath]);
    expect(messageUrlsFor("en", "doctor")).toHaveLength(2);
    // Each hospital namespace is one the dictionary has (a misspelt one would quietly ship to patients).
    for (const namespace of STAFF_NAMESPACES) expect(Object.keys(en).some((key) => key.startsWith(`${namespace}.`)), namespace).toBe(true);
  });

  it("of the hospital's part are used only by pages a patient never sees", () => {
    // The hospital's pages, and the parts of the room only its doctor is shown.
    const hospitalOnly = [
      /^app\/routes\/(doctor|clinic|admin)\./,
      /^app\/components\/schedule-summary\.tsx$/,
      /^app\/components\/consultation\/(next-patient|patient-record)\.tsx$/,
      /^app\/features\/audit\//,
      /\.server\.ts$/,
    ];
    const used = new RegExp(`["'\`](${STAFF_NAMESPACES.join("|")})\\.[a-zA-Z]`);
    const offenders = readdirSync("app", { recursive: true, encoding: "utf8" })
      .map((file) => `app/${file}`)
      .filter((file) => /\.tsx?$/.test(file) && !file.startsWith("app/i18n/"))
      .filter((file) => used.test(readFileSync(file, "utf8")) && !hospitalOnly.some((pattern) => pattern.test(file)));
    expect(offenders).toEqual([]);
  });
});
