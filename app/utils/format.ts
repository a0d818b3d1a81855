import type { Locale } from "~/domain/vocabulary";

/** Formats instants (epoch milliseconds or dates) one way; the same instant gives the same text. */
export type InstantFormat = { format(instant: number | Date): string };

/** Texts a formatter keeps before it starts again: a week of 5-minute slots is 2,016. */
const REMEMBERED_TEXTS = 2_048;
const dateTimeFormats = new Map<string, InstantFormat>();
/**
 * The cached formatter itself, for a list that formats many times in one way. Building an
 * `Intl.DateTimeFormat` costs far more than formatting with one: one formatter per locale, zone and
 * options, kept for the life of the process. It also remembers the texts it made: a day's list formats
 * the same few dozen instants on every request (a doctor's Today, the booking slots), and
 * `Intl.DateTimeFormat#format` costs about 2 µs a call, some 30 times a map lookup.
 */
export function dateTimeFormat(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): InstantFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    const intl = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    const texts = new Map<number, string>();
    format = {
      format(instant) {
        const ms = typeof instant === "number" ? instant : instant.getTime();
        let text = texts.get(ms);
        if (text === undefined) {
          text = intl.format(ms);
          if (texts.size >= REMEMBERED_TEXTS) texts.clear();
          texts.set(ms, text);
        }
        return text;
      },
    };
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
