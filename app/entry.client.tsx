import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { isLocale } from "~/i18n";
import { loadDictionary } from "~/i18n/load-dictionary";

// Tell the server the browser's time zone, so that a visitor who has not signed in sees times in it.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
if (zone && !document.cookie.split("; ").includes(`yz_tz=${encodeURIComponent(zone)}`)) {
  document.cookie = `yz_tz=${encodeURIComponent(zone)}; Path=/; Max-Age=31536000; SameSite=Lax`;
}

// The page's language(s) first: the browser bundle carries no messages, only the chunk of each language.
const locales = (document.documentElement.dataset.locales ?? "").split(" ").filter(isLocale);
void Promise.all(locales.map(loadDictionary)).then(() =>
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  }),
);
