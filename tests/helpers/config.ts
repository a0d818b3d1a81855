/** What server.ts hands the features at start, as the in-process tests set it. */
import { scaledLimits } from "~/features/auth/rate-limit.server";
import { sessionCookieName } from "~/features/auth/session.server";

/** Cookies as development writes them: not Secure, the session's under its plain name. */
export const PLAIN_COOKIES = { secureCookies: false } as const;
export const SESSION_COOKIE = sessionCookieName({ secure: false });

/** The rate limits of a real deployment (RATE_LIMIT_SCALE 1). */
export const LIMITS = scaledLimits(1);
