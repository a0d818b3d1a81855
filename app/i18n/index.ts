import type { MessageKey } from "./en";
import { allDictionaries } from "./dictionaries.server";
import { LOCALES, type Locale } from "~/domain/vocabulary";

export type { MessageKey };
export type Dictionary = Record<MessageKey, string>;

/** For a browser that asks for neither language (a visitor from abroad): English. */
export const DEFAULT_LOCALE: Locale = "en";
/**
 * Only where no page data exists yet (an error before the root loader ran). Everywhere else a viewer
 * without a zone of their own sees the clinic's, which is a setting.
 */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/**
 * The messages at hand: every language on the server; in a browser (where the `.server` module is empty)
 * only those loaded so far, its viewer's (see load-messages.ts).
 */
const dictionaries: Partial<Record<Locale, Partial<Dictionary>>> = { ...allDictionaries };

/** Messages a browser fetched, added to those of their language it holds. */
export function addMessages(locale: Locale, messages: Partial<Dictionary>) {
  dictionaries[locale] = { ...dictionaries[locale], ...messages };
}

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

const pluralRules = new Map<Locale, Intl.PluralRules>();
/** `{count, plural, one {# doctor} other {# doctors}}`: the form the locale's plural rules pick, `#` the number. */
const PLURAL = /\{(\w+), plural, ((?:[\w=]+ \{[^{}]*\}\s*)+)\}/g;
const PLURAL_FORM = /([\w=]+) \{([^{}]*)\}/g;

function plural(locale: Locale, value: number, forms: string): string {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  const chosen = new Map([...forms.matchAll(PLURAL_FORM)].map((m) => [m[1]!, m[2]!]));
  const form = chosen.get(`=${value}`) ?? chosen.get(rules.select(value)) ?? chosen.get("other") ?? "";
  return form.replace(/#/g, String(value));
}

/**
 * Returns the translator for a locale: `t("nav.signIn")`, `t("home.doctorsCount", { count: 3 })`.
 * A message may choose its words by a number's plural form (`{count, plural, one {…} other {…}}`).
 */
export function translator(locale: Locale): Translate {
  return (key, params) => {
    // Never missing where it is loaded as described; were it, a key reads better than a crash.
    const template = dictionaries[locale]?.[key] ?? key;
    if (!params) return template;
    return template
      .replace(PLURAL, (whole, name: string, forms: string) => {
        const value = Number(params[name]);
        return name in params && Number.isFinite(value) ? plural(locale, value, forms) : whole;
      })
      .replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

/**
 * Picks the product's locale from an Accept-Language header: Chinese for any `zh` variant the
 * person ranks above English, English otherwise.
 */
export function localeFromAcceptLanguage(header: string | null): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...rest] = part.trim().split(";");
      const q = rest.map((r) => r.trim()).find((r) => r.startsWith("q="));
      const quality = q ? Number(q.slice(2)) : 1;
      return { tag: tag.toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === "zh" || tag.startsWith("zh-")) return "zh-CN";
    if (tag === "en" || tag.startsWith("en-")) return "en";
  }
  return DEFAULT_LOCALE;
}
