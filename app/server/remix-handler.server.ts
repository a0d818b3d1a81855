import { createRequestHandler } from "@remix-run/express";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import type { RequestHandler } from "express";
import { ANONYMOUS, authenticate, type Auth } from "~/features/auth/session.server";
import { joinSessionMayOpen } from "~/features/consultation/join-link-scope";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { DEFAULT_TIME_ZONE } from "~/i18n";
import { resolveViewer } from "~/i18n/viewer.server";
import { withDatabaseOutagePages } from "~/utils/database-outage.server";
import { isDatabaseUnavailable } from "~/utils/db-errors.server";

/** Paths whose requests are live connections: they never renew the session they belong to. */
export const LIVE_PATHS = new Set(["/live/events"]);

/** What every request's load context shares: the process's services and configuration. */
export type Services = Pick<AppLoadContext, "db" | "live" | "slots" | "arrival" | "secureCookies" | "limits" | "video" | "messaging">;

/**
 * Remix, with each request's load context: the services, the signed-in person (from the session cookie,
 * renewed when due), the viewer's language and time zone, the client's address and the page's nonce.
 */
export function remixHandler(build: ServerBuild, services: Services, mode: string): RequestHandler {
  const { db, secureCookies } = services;
  return createRequestHandler({
    build: withDatabaseOutagePages(build),
    mode,
    getLoadContext: async (req, res) => {
      let auth: Auth | null = null;
      let databaseDown: unknown = null;
      try {
        auth = await authenticate(db, req.headers.cookie, { renew: !LIVE_PATHS.has(req.path), secureCookies });
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        databaseDown = error;
      }
      if (auth?.setCookie) res.append("Set-Cookie", auth.setCookie);
      // A join link's session opens its room and nothing else: elsewhere nobody is signed in.
      const only = auth?.user?.onlyAppointmentId;
      if (only && !joinSessionMayOpen(req.path, only)) auth = ANONYMOUS;
      // The clinic's settings are held in memory; while the database is away, the zone before any setting.
      const clinicTimeZone = await getClinicSettings(db).then((settings) => settings.timeZone, () => DEFAULT_TIME_ZONE);
      const viewer = resolveViewer(
        { cookie: req.headers.cookie, acceptLanguage: req.headers["accept-language"] },
        auth?.user ?? null,
        clinicTimeZone,
      );
      const context = {
        ...services,
        clientAddress: req.ip ?? "unknown",
        cspNonce: String(res.locals.cspNonce ?? ""),
        ...viewer,
      };
      // While the database is away the session cannot be read: whichever loader or action asks for it
      // gets the database's error, inside Remix, where it becomes the 503 page or the form's message.
      return Object.defineProperty(context, "auth", {
        enumerable: true,
        get: () => {
          if (databaseDown) throw databaseDown;
          return auth;
        },
      }) as typeof context & { auth: Auth };
    },
  });
}
