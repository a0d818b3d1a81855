import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { loadMessages } from "~/i18n/load-messages";

// Tell the server the browser's time zone, so that a visitor who has not signed in sees times in it.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
if (zone && !document.cookie.split("; ").includes(`yz_tz=${encodeURIComponent(zone)}`)) {
  document.cookie = `yz_tz=${encodeURIComponent(zone)}; Path=/; Max-Age=31536000; SameSite=Lax`;
}

// The page's messages first: the browser bundle carries none; the page names the files it speaks.
const messages = (document.documentElement.dataset.messages ?? "").split(" ").filter(Boolean);
void loadMessages(messages).then(() =>
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  }),
);
