import type { Db } from "~db/client.server";
import type { RateLimits } from "~/features/auth/rate-limit.server";
import type { Auth } from "~/features/auth/session.server";
import type { FreeSlotIndex } from "~/features/booking/free-slot-index.server";
import type { VideoProvider } from "~/features/consultation/video/provider.server";
import type { LiveDelivery } from "~/features/live/live-delivery.server";
import type { Locale } from "~/domain/vocabulary";

declare module "@remix-run/node" {
  interface AppLoadContext {
    db: Db;
    /** Live delivery to open pages (event streams), fed by every app instance's changes. */
    live: LiveDelivery;
    /** The arrival line: the pass that signed-in people carry past it. */
    arrival: { passCookie(role: "patient" | "staff"): string };
    /** Each doctor's free slots, kept in memory and dropped when their time changes on any instance. */
    slots: FreeSlotIndex;
    auth: Auth;
    /** Production marks cookies Secure (and names the session cookie `__Host-yz_session`); read once at start. */
    secureCookies: boolean;
    /** The rate limits per address or per person's use, at RATE_LIMIT_SCALE. */
    limits: RateLimits;
    /** Twilio or peer-to-peer, chosen at start; the peer-to-peer tickets are signed with the server's secret. */
    video: VideoProvider;
    /** Which of the outbox's channels leave (an SMTP server, Twilio Messaging); the others are kept in the outbox. */
    messaging: { email: boolean; sms: boolean };
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
