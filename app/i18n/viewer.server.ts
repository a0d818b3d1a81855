import type { SessionUser } from "~/features/auth/session.server";
import { isTimeZone } from "~/utils/time-zones";
import type { Locale } from "~/domain/vocabulary";
import { isLocale, localeFromAcceptLanguage } from "./index";

export const LOCALE_COOKIE = "yz_lang";
export const TIME_ZONE_COOKIE = "yz_tz";

function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) {
      try {
        return decodeURIComponent(value.join("="));
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * The language and time zone a page is shown in. Language: the switch's cookie, else the user's saved
 * preference, else Accept-Language. Time zone: the user's, else the browser's (a cookie the page sets),
 * else the clinic's (its setting).
 */
export function resolveViewer(
  headers: { cookie?: string | null; acceptLanguage?: string | null },
  user: SessionUser | null,
  clinicTimeZone: string,
): { locale: Locale; timeZone: string } {
  const chosen = readCookie(headers.cookie, LOCALE_COOKIE);
  const locale = isLocale(chosen) ? chosen : (user?.locale ?? localeFromAcceptLanguage(headers.acceptLanguage ?? null));
  const browserZone = readCookie(headers.cookie, TIME_ZONE_COOKIE);
  const timeZone =
    user?.timeZone ?? (browserZone && isTimeZone(browserZone) ? browserZone : clinicTimeZone);
  return { locale, timeZone };
}

export function localeCookie(locale: Locale, secure: boolean): string {
  return `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=${60 * 60 * 24 * 365}; SameSite=Lax${secure ? "; Secure" : ""}`;
}
