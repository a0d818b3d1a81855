import { redirect, type AppLoadContext } from "@remix-run/node";
import type { SessionUser } from "./session.server";
import { secondFactorRequired, type Role } from "./roles";

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

/** Only same-site paths are followed after sign-in: never `//evil.example` or `https://…`. */
export function safeRedirect(target: string | null | undefined, fallback = "/"): string {
  if (!target || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) {
    return fallback;
  }
  return target;
}
