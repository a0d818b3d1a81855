/**
 * One Yunzhen server process (the only one on the embedded database, or one of the workers): the Remix
 * app, static assets, the health check and the consultation rooms' WebSocket. It opens the database
 * once and hands it to Remix through the load context, with live delivery and the in-memory indexes.
 */
import { existsSync, watch } from "node:fs";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { randomBytes } from "node:crypto";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import express from "express";
import { openDatabase } from "~db/client.server";
import { demoCredentialsText, firstAdminHint, hasDemoHospital, prepareDemoHospital, seedDemoHospital } from "~db/seed";
import { scaledLimits } from "~/features/auth/rate-limit.server";
import { cacheSessions } from "~/features/auth/session.server";
import { cacheClinicSettings } from "~/features/booking/clinic-settings.server";
import { cacheDoctorHours } from "~/features/booking/doctor-hours.server";
import { createFreeSlotIndex } from "~/features/booking/free-slot-index.server";
import { createSignaling } from "~/features/consultation/signaling.server";
import { joinTickets } from "~/features/consultation/video/p2p.server";
import { videoProvider } from "~/features/consultation/video/provider.server";
import { twilioCredentials } from "~/features/consultation/video/twilio.server";
import { createLiveHub } from "~/features/live/hub.server";
import { createLiveDelivery } from "~/features/live/live-delivery.server";
import { startDeliveryWorker } from "~/features/notifications/delivery-worker.server";
import { sweepLapsedOffers } from "~/features/waitlist/waitlist.server";
import { transportFromEnv } from "~/features/notifications/transports.server";
import { localeFromAcceptLanguage, isLocale } from "~/i18n";
import { LOCALE_COOKIE } from "~/i18n/viewer.server";
import { messageFiles } from "~/i18n/message-files.server";
import { createLoadGauge } from "~/utils/load-gauge.server";
import { startBackgroundWork } from "./background-work.server";
import { createDrain } from "./drain.server";
import { LIVE_PATHS, remixHandler } from "./remix-handler.server";
import { filesFromMemory, IMMUTABLE, staticFilesFromMemory } from "./static-files.server";
import { compressResponses } from "./compression.server";
import { createArrivalLine, LINE_HEADER, linePage, PASS_COOKIE, TICKET_COOKIE, type ArrivalLine } from "./arrival-line.server";
import { plainErrorPage, RETRY_AFTER_SECONDS } from "~/utils/database-outage.server";
import { isDatabaseUnavailable, logError } from "~/utils/db-errors.server";
import { EnvError, publicUrl, type Env } from "~/utils/env.server";
import { contentSecurityPolicy, isSameOrigin, securityHeaders } from "~/utils/security-headers.server";

/** How long an idle keep-alive connection is kept. */
const KEEP_ALIVE_MS = 65_000;

/**
 * Starts serving. `root` is the project folder (build/, public/, node_modules/). A worker of several
 * (`worker: true`) leaves the database's preparation (seed, demo consultation, demo day) to the primary.
 */
export async function serve(env: Env, options: { root: string; worker: boolean }) {
  const { root } = options;
  const buildPath = path.join(root, "build/index.js");
  const startedAt = performance.now();
  // A promise nobody awaited that fails (the lint rule keeps them out of our code; a dependency's may
  // remain) is logged; it does not end a process that holds a thousand patients' connections.
  process.on("unhandledRejection", (reason) => logError(reason));
  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    // A worker finds the migrations applied (by the primary) and never needs the owner's credentials.
    ownerUrl: options.worker ? undefined : env.DATABASE_OWNER_URL,
    pgliteDir: env.PGLITE_DIR,
    poolSize: env.DATABASE_POOL_SIZE,
  });
  const { db } = database;
  if (database.createdNew && database.driver === "pglite" && env.SEED_DEMO === "auto") {
    const { created } = await seedDemoHospital(db);
    console.log(`New embedded database: seeded the demo hospital (${created} accounts).`);
  }
  // The demo patient's open consultation and the demo day, before the first request: nobody books a
  // demo doctor's slot that the demo day is about to fill.
  const demo = !options.worker && (await hasDemoHospital(db).catch(() => false));
  if (demo) await prepareDemoHospital(db);

  if (!existsSync(buildPath)) {
    throw new EnvError("No Remix build found at build/index.js: run `npm run build` first.");
  }
  let build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;

  const drain = createDrain();
  const app = express();
  app.disable("x-powered-by");
  // Every response, static files first among them: the security headers, computed once. Pages replace
  // the policy with one carrying a fresh nonce (below).
  const twilio = Boolean(env.TWILIO_ACCOUNT_SID);
  const fixedHeaders = securityHeaders({ production: env.NODE_ENV === "production", twilio });
  app.use((_req, res, next) => {
    res.set(fixedHeaders);
    next();
  });
  // Requests in flight, for the drain on SIGTERM.
  app.use(drain.track);
  app.set("trust proxy", env.TRUST_PROXY);

  app.get("/healthz", async (_req, res) => {
    if (drain.draining) {
      res.status(503).set("Cache-Control", "no-store").json({ status: "draining" });
      return;
    }
    try {
      await database.ping(2000);
      res.set("Cache-Control", "no-store").json({ status: "ok", database: database.driver });
    } catch {
      res.status(503).set("Cache-Control", "no-store").json({ status: "unavailable", database: "down" });
    }
  });

  // public/: from memory in production (read once: no disk check per request); from disk in development,
  // where each rebuild changes it. Fingerprinted build output never changes under its name.
  if (env.NODE_ENV === "production") {
    app.use(staticFilesFromMemory(path.join(root, "public")));
  } else {
    app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.join(root, "public"), { maxAge: "1h", index: false }));
  }
  // Each language's messages, a part at a time (message-files.server.ts): named by content, kept a year.
  app.use(
    filesFromMemory(
      messageFiles().flatMap(({ urlPath, aliasPath, body }) => [
        { urlPath, body, cacheControl: IMMUTABLE },
        { urlPath: aliasPath, body, cacheControl: "no-cache" },
      ]),
    ),
  );
  // Background blur's worker, WebAssembly and model, straight from the installed package (never a CDN).
  app.use("/vendor/video-processors", express.static(path.join(root, "node_modules/@twilio/video-processors/dist/build"), { maxAge: "1d", index: false }));

  if (env.LOG_REQUESTS === "1") {
    app.use((req, res, next) => {
      const t0 = performance.now();
      res.on("finish", () =>
        // A join link's path is its key: never written to a log.
        console.log(`${req.method} ${req.path.startsWith("/join/") ? "/join/…" : req.path} ${res.statusCode} ${(performance.now() - t0).toFixed(1)}ms`),
      );
      next();
    });
  }

  // How busy this process is: the arrival line (below) and compression act on it.
  const gauge = createLoadGauge(500);
  const line = createArrivalLine({ secret: arrivalSecret(env), load: gauge.read, thresholds: lineThresholds(env) });
  const lineOn = env.ARRIVAL_LINE !== "off";

  // Pages, their data and downloads leave compressed when the browser accepts it (static files above
  // were compressed once, at start) — unless, with the line on, this process has no CPU to spare.
  app.use(compressResponses(() => !lineOn || line.hasRoom()));

  // Every page: a CSP with a fresh nonce. Every state-changing request: our Origin.
  app.use((req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.set("Content-Security-Policy", contentSecurityPolicy({ nonce, twilio }));
    if (!["GET", "HEAD", "OPTIONS"].includes(req.method)) {
      const expected = `${req.protocol}://${req.get("host")}`;
      if (!isSameOrigin(req.get("origin"), expected)) {
        res.status(403).type("text/plain").send("Refused: this request did not come from a Yunzhen page.\n已拒绝：该请求并非来自云诊页面。\n");
        return;
      }
    }
    next();
  });

  // Production marks every cookie Secure (and names the session's `__Host-`): the session's, the
  // language's and the arrival line's alike.
  const secureCookies = env.NODE_ENV === "production";
  // The arrival line: new arrivals wait on a page from memory while this process is past capacity.
  const arrival = { passCookie: (role: "patient" | "staff") => line.passCookie(role, secureCookies) };
  if (lineOn) app.use(lineMiddleware(line, secureCookies));

  // The features' configuration, from the checked environment (nothing below reads process.env): the
  // rate limits at their scale, and the video provider with the secret of its join tickets, which the
  // signalling socket checks.
  const limits = scaledLimits(env.RATE_LIMIT_SCALE);
  const tickets = joinTickets(joinTicketSecret(env));
  const video = videoProvider({ twilio: twilioCredentials(env), tickets, iceServers: env.ICE_SERVERS ?? [] });

  const hub = await createLiveHub(database.listen);
  const live = createLiveDelivery({ db, hub });
  const slots = createFreeSlotIndex(db, hub);
  const forgetSettings = cacheClinicSettings(db, hub);
  const forgetHours = cacheDoctorHours(db, hub);
  const forgetSessions = cacheSessions(db, hub);
  // The outbox's senders (the admin's outbox says which channels leave).
  const transport = transportFromEnv(env);
  const messaging = { email: Boolean(transport.email), sms: Boolean(transport.sms) };
  const services = { db, live, slots, arrival, secureCookies, limits, video, messaging };
  const handlerFor = (serverBuild: ServerBuild) => remixHandler(serverBuild, services, env.NODE_ENV);
  let handleRequest = handlerFor(build);
  app.all("*", (req, res, next) => handleRequest(req, res, next));
  // Errors before Remix renders (reading the session needs the database): a plain page in both
  // languages, 503 while the database is away, never a stack trace.
  app.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const unavailable = isDatabaseUnavailable(error);
    if (!unavailable) logError(error);
    res
      .status(unavailable ? 503 : 500)
      .set({ "Cache-Control": "no-store", ...(unavailable ? { "Retry-After": String(RETRY_AFTER_SECONDS) } : {}) })
      .type("html")
      .send(plainErrorPage(unavailable ? 503 : 500));
  });

  const server = app.listen(env.PORT, env.HOST, async () => {
    if (options.worker) return; // the primary announces the port once
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : env.PORT;
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    console.log(`Yunzhen is listening on http://localhost:${port} (${database.driver}, ready in ${seconds} s)`);
    if (demo) {
      console.log(demoCredentialsText());
    } else {
      const hint = await firstAdminHint(db).catch(() => null);
      if (hint) console.log(hint);
    }
    if (env.NODE_ENV === "development") await broadcastDevReady(build).catch(logError);
  });

  // An idle connection stays open longer than the arrival line's longest retry (12 s) and than a phone's
  // pause between pages: Node's 5 s made clients reuse connections the server was closing (resets in
  // the surge at three times its size) and open new ones. nginx's default is 75 s.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;

  const signaling = await createSignaling({ db, delivery: live, hub, tickets, limits, secureCookies });
  server.on("upgrade", (request: IncomingMessage, socket, head) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname !== "/ws/signal") {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    if (env.LOG_REQUESTS === "1") console.log(`UPGRADE ${url.pathname}`);
    signaling.handleUpgrade(request, socket, head).catch(() => socket.destroy());
  });

  const background = startBackgroundWork(db);
  // Confirmations, reminders and notices: this process's share of the outbox.
  // Each round first passes lapsed waitlist offers on, so that the next patient's notice goes in the same round.
  const outboxWorker = startDeliveryWorker(db, transport, { publicUrl: publicUrl(env), beforeRound: (now) => sweepLapsedOffers(db, now) });

  if (env.NODE_ENV === "development") {
    // `remix dev --manual` rewrites build/version.txt after each rebuild: load the new build.
    watch(path.join(root, "build"), async (_event, file) => {
      if (file !== "version.txt") return;
      build = (await import(`${pathToFileURL(buildPath).href}?t=${Date.now()}`)) as ServerBuild;
      handleRequest = handlerFor(build);
      await broadcastDevReady(build).catch(logError);
    });
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight requests, then closing the database.`);
    const force = setTimeout(() => {
      console.error("Shutdown took longer than 15 s; exiting.");
      process.exit(1);
    }, 15_000);
    force.unref();
    // First tell load balancers (healthz answers 503) while still serving what is queued, then stop
    // accepting, let in-flight requests finish, and close the database.
    drain.begin(() => {
      signaling.close().catch(() => {});
      live.close().catch(() => {});
      slots.close();
      line.close();
      gauge.close();
      forgetSettings();
      forgetHours();
      forgetSessions();
      hub.close().catch(() => {});
      server.close(async () => {
        await outboxWorker.stop();
        await background.stop();
        await database.close().catch(() => {});
        process.exit(0);
      });
      // Nothing is in flight any more: what is still open is idle keep-alive or event streams.
      server.closeAllConnections();
    });
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

/** The secret that signs arrival tickets and passes: shared by the workers (from the primary) or configured. */
function arrivalSecret(env: Env): string {
  return env.ARRIVAL_SECRET ?? randomBytes(32).toString("hex");
}

/** The secret that signs peer-to-peer join tickets: configured, or shared by the workers (from the primary). */
function joinTicketSecret(env: Env): string {
  return env.JOIN_TICKET_SECRET ?? randomBytes(32).toString("hex");
}

/** `ARRIVAL_LINE_UTILISATION` moves the line's threshold (tests lower it to see the line at work). */
function lineThresholds(env: Env) {
  return env.ARRIVAL_LINE_UTILISATION === undefined
    ? {}
    : { busyUtilisation: env.ARRIVAL_LINE_UTILISATION, freeUtilisation: Math.max(0, env.ARRIVAL_LINE_UTILISATION - 0.15) };
}

function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

/** Requests that bring someone new in: page loads (and their data) and the sign-in and registration forms. */
function isArrival(req: express.Request): boolean {
  if (req.method === "GET" || req.method === "HEAD") return !LIVE_PATHS.has(req.path) && !(req.path === "/login" && "staff" in req.query);
  return req.method === "POST" && (req.path === "/register" || (req.path === "/login" && !("staff" in req.query)));
}

/**
 * Lets in whoever carries a pass (and renews it), and every arrival while there is room; the others get
 * the line's page (or, for a page's data requested by an open page, a reload of the page, which then
 * shows the line).
 */
function lineMiddleware(line: ArrivalLine, secure: boolean): express.RequestHandler {
  return (req, res, next) => {
    const cookies = readCookies(req.headers.cookie);
    const pass = line.checkPass(cookies.get(PASS_COOKIE), secure);
    if (pass.valid) {
      if (pass.renew) res.append("Set-Cookie", pass.renew);
      return next();
    }
    if (!isArrival(req)) return next();
    const decision = line.decide(cookies.get(TICKET_COOKIE), secure);
    for (const cookie of decision.setCookies) res.append("Set-Cookie", cookie);
    if (decision.admit) return next();
    const url = new URL(req.originalUrl, "http://localhost");
    url.searchParams.delete("_data");
    const retryUrl = url.pathname + url.search;
    res.set({ "Cache-Control": "no-store", "Retry-After": String(decision.retryAfterSeconds), [LINE_HEADER]: String(decision.position) });
    if ("_data" in req.query) {
      res.status(204).set({ "X-Remix-Redirect": retryUrl, "X-Remix-Reload-Document": "true" }).end();
      return;
    }
    const chosen = cookies.get(LOCALE_COOKIE);
    const firstLocale = isLocale(chosen) ? chosen : localeFromAcceptLanguage(req.headers["accept-language"] ?? null);
    res.status(200).type("html").send(linePage({ ...decision, retryUrl, firstLocale }));
  };
}
