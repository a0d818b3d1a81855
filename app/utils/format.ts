import type { Locale } from "~/domain/vocabulary";

/**
 * Building an `Intl.DateTimeFormat` costs far more than formatting with one (a doctor's profile formats
 * hundreds of times): one formatter per locale, zone and options, kept for the life of the process.
 */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
/** The cached formatter itself, for a list that formats many times in one way. */
export function dateTimeFormat(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** Dates and times are always formatted for the viewer's locale and in an explicit IANA time zone. */
export function formatDateTime(
  instant: Date | string,
  locale: Locale | "en",
  timeZone: string,
  options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" },
): string {
  return dateTimeFormat(locale, timeZone, options).format(typeof instant === "string" ? Date.parse(instant) : instant);
}

export function formatDate(instant: Date | string, locale: Locale, timeZone: string): string {
  return formatDateTime(instant, locale, timeZone, { dateStyle: "full" });
}

const languageNames = new Map<string, string>();
/** The name of a language code in the viewer's language: "yue" → "粤语" / "Cantonese" (looked up once each). */
export function languageName(code: string, locale: Locale): string {
  const key = `${locale}|${code}`;
  let name = languageNames.get(key);
  if (name === undefined) {
    try {
      name = new Intl.DisplayNames([locale], { type: "language" }).of(code) ?? code;
    } catch {
      name = code;
    }
    // Codes come from the clinic's own data, but bound the map all the same.
    if (languageNames.size < 1000) languageNames.set(key, name);
  }
  return name;
}

/** Picks the text of a bilingual pair for the viewer. */
export function pick(locale: Locale, zh: string, en: string): string {
  return locale === "zh-CN" ? zh : en;
}
