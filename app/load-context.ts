import type { Db } from "~db/client.server";
import type { Auth } from "~/features/auth/session.server";
import type { LiveHub } from "~/features/live/hub.server";
import type { Locale } from "~/i18n";

declare module "@remix-run/node" {
  interface AppLoadContext {
    db: Db;
    /** Live events from every app instance (PostgreSQL LISTEN), for event streams. */
    live: LiveHub;
    auth: Auth;
    /** This response's Content-Security-Policy nonce. */
    cspNonce: string;
    /** The client's address as Express resolved it (honouring TRUST_PROXY). */
    clientAddress: string;
    /** Locale from the language cookie, the user's preference or Accept-Language, in that order. */
    locale: Locale;
    /** The viewer's IANA time zone (the user's, else the browser's cookie, else the clinic's). */
    timeZone: string;
  }
}

export {};
