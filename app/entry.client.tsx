import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { loadMessages } from "~/i18n/load-messages";
import type { PreloadHandle } from "~/utils/split-component";

// Tell the server the browser's time zone, so that a visitor who has not signed in sees times in it.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
if (zone && !document.cookie.split("; ").includes(`yz_tz=${encodeURIComponent(zone)}`)) {
  document.cookie = `yz_tz=${encodeURIComponent(zone)}; Path=/; Max-Age=31536000; SameSite=Lax`;
}

// The page's messages first: the browser bundle carries none; the page names the files it speaks.
const messages = (document.documentElement.dataset.messages ?? "").split(" ").filter(Boolean);
// And the code a route asks for, from its data, before it hydrates (see split-component.tsx): the server's
// HTML and the first render must agree. Remix has put each route's module and data on the page by now.
const remix = window as unknown as {
  __remixRouteModules?: Record<string, { handle?: PreloadHandle }>;
  __remixContext?: { state?: { loaderData?: Record<string, unknown>; actionData?: Record<string, unknown> | null } };
};
const routePreloads = Object.entries(remix.__remixRouteModules ?? {}).map(([id, module]) =>
  module.handle?.preload?.(remix.__remixContext?.state?.loaderData?.[id], remix.__remixContext?.state?.actionData?.[id]),
);
void Promise.all([loadMessages(messages), ...routePreloads]).then(() =>
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  }),
);
