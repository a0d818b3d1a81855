import { redirect, type AppLoadContext } from "@remix-run/node";
import type { Role } from "~/domain/vocabulary";
import type { SessionUser } from "./session.server";
import { secondFactorRequired } from "./roles";

/** Where a second factor is set up; the only page (with sign-out) an admin without one may open. */
export const SECOND_FACTOR_PAGE = "/account/second-factor";

/**
 * The signed-in user, or a redirect to the sign-in page that comes back here afterwards. An admin whose
 * session has not proved a second factor is sent to set one up first, whatever the page
 * (`enrolling` is for that page only).
 */
export function requireUser(request: Request, context: AppLoadContext, options: { enrolling?: boolean } = {}): SessionUser {
  const user = context.auth.user;
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  if (!user) throw redirect(`/login?${new URLSearchParams({ redirectTo: back })}`);
  if (!options.enrolling && secondFactorRequired(user.role) && !user.secondFactorVerified) {
    throw redirect(`${SECOND_FACTOR_PAGE}?${new URLSearchParams({ redirectTo: back })}`);
  }
  return user;
}

/** The signed-in user if their role is one of `roles`; otherwise 403 (or sign in first). */
export function requireRole<R extends Role>(
  request: Request,
  context: AppLoadContext,
  roles: readonly R[],
): SessionUser & { role: R } {
  const user = requireUser(request, context);
  if (!(roles as readonly Role[]).includes(user.role)) {
    throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
  }
  return user as SessionUser & { role: R };
}

export function requireAnonymous(context: AppLoadContext) {
  if (context.auth.user) throw redirect("/");
}

/** Any origin of ours will do: a target is resolved against it, and only its path is kept. */
const OUR_ORIGIN = "http://yunzhen.invalid";

/** A tab, newline or other control character, DEL, or a backslash. */
function hasControlOrBackslash(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x5c) return true;
  }
  return false;
}

/**
 * A redirect target the request named (after sign-in, after choosing a language), as a path of ours,
 * or `fallback`. The target is resolved the way a browser resolves a Location header (WHATWG URL) and
 * refused unless it stays on our origin. Control characters and backslashes are refused outright:
 * browsers drop tabs and newlines and read `\` as `/`, so `/<tab>/evil.example` means `//evil.example`,
 * and a newline cannot go into a header at all. What comes back is re-serialised (percent-encoded),
 * so it is always a valid header value, and never starts with `//` (which dot segments can produce).
 */
export function safeRedirect(target: string | null | undefined, fallback = "/"): string {
  if (!target || !target.startsWith("/") || hasControlOrBackslash(target)) return fallback;
  let url: URL;
  try {
    url = new URL(target, OUR_ORIGIN);
  } catch {
    return fallback;
  }
  const path = url.pathname + url.search + url.hash;
  if (url.origin !== OUR_ORIGIN || !path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}
