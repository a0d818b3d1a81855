import { json, type ServerBuild } from "@remix-run/node";
import { LOCALES } from "~/domain/vocabulary";
import { translator, type MessageKey } from "~/i18n";
import { isDatabaseUnavailable, isUnstorableText } from "./db-errors.server";

/** Seconds a client is asked to wait before trying again while the database is away. */
export const RETRY_AFTER_SECONDS = 5;
const READ_RETRY_DELAY_MS = 200;

/** What a form reads its message from: `formError` (every form), or `error` (the note's autosave, a JSON endpoint). */
const formFailure = (key: MessageKey) => ({ ok: false, formError: key, errors: {}, error: key });

const headers = { "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" };

/** A page that cannot be read: the friendly error page. */
const unreadable = () => new Response("errorPage.503.body", { status: 503, headers });

/**
 * A form that cannot be sent: answered as data, not thrown, so the page stays as it was, with what the
 * person typed still in it and the message beside the form (`formError`, or `error` for the note's
 * autosave, which keeps retrying).
 */
const unsendable = () =>
  json(
    formFailure("error.serviceUnavailable"),
    { status: 503, headers },
  );

/** Text the database cannot store (a NUL character) is the sender's mistake: 400, with a message. */
const unstorable = (kind: "loader" | "action") =>
  kind === "loader"
    ? new Response("error.invalidCharacters", { status: 400 })
    : json(formFailure("error.invalidCharacters"), { status: 400 });

type Handler = (args: never) => unknown;

function guard<F extends Handler>(handler: F, kind: "loader" | "action"): F {
  const retryOnce = kind === "loader";
  const guarded = async (args: never) => {
    try {
      return await handler(args);
    } catch (error) {
      if (isUnstorableText(error)) {
        if (kind === "loader") throw unstorable(kind);
        return unstorable(kind);
      }
      if (!isDatabaseUnavailable(error)) throw error;
      // A read may meet a pooled connection the restarted server already closed: one more try.
      if (retryOnce) {
        await new Promise((resolve) => setTimeout(resolve, READ_RETRY_DELAY_MS));
        try {
          return await handler(args);
        } catch (again) {
          if (!isDatabaseUnavailable(again)) throw again;
        }
      }
      if (kind === "loader") throw unreadable();
      return unsendable();
    }
  };
  return guarded as unknown as F;
}

/**
 * The Remix build with every loader and action guarded: while the database is down or restarting, a
 * page answers 503 with the friendly "briefly unavailable" page instead of a 500, and a reader gets one
 * retry first (loaders change nothing, so they are safe to repeat). A form gets 503 with a message and
 * keeps its input. Text the database refuses to store (a NUL character) is a 400 with a message, too.
 * Actions are not repeated: a write whose connection broke may or may not have
 * committed, and the person decides.
 */
export function withDatabaseOutagePages(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const { loader, action } = route.module;
    routes[id] = {
      ...route,
      module: {
        ...route.module,
        ...(loader ? { loader: guard(loader, "loader") } : {}),
        ...(action ? { action: guard(action, "action") } : {}),
      },
    };
  }
  return { ...build, routes };
}

/**
 * The page for a request that failed before Remix could render anything (reading the session needs
 * the database): both languages, no scripts, no stack trace.
 */
export function plainErrorPage(status: 500 | 503): string {
  const sections = LOCALES.map((locale) => {
    const t = translator(locale);
    return `<section lang="${locale}"><h1>${t(`errorPage.${status}.title`)}</h1><p>${t(`errorPage.${status}.body`)}</p><p><a href="/">${t("errorPage.home")}</a></p></section>`;
  }).join("");
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${status} · 云诊 Yunzhen</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2933}h1{font-size:1.4rem}a{color:#0b6e99}</style></head><body><main id="main"><p>${status}</p>${sections}</main></body></html>`;
}
