import type { Locale } from "~/i18n";

/** Dates and times are always formatted for the viewer's locale and in an explicit IANA time zone. */
export function formatDateTime(
  instant: Date | string,
  locale: Locale,
  timeZone: string,
  options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" },
): string {
  return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(new Date(instant));
}

export function formatDate(instant: Date | string, locale: Locale, timeZone: string): string {
  return formatDateTime(instant, locale, timeZone, { dateStyle: "full" });
}

/** The name of a language code in the viewer's language: "yue" → "粤语" / "Cantonese". */
export function languageName(code: string, locale: Locale): string {
  try {
    return new Intl.DisplayNames([locale], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Picks the text of a bilingual pair for the viewer. */
export function pick(locale: Locale, zh: string, en: string): string {
  return locale === "zh-CN" ? zh : en;
}
