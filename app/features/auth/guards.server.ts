import { redirect, type AppLoadContext } from "@remix-run/node";
import type { SessionUser } from "./session.server";
import type { Role } from "./roles";

/** The signed-in user, or a redirect to the sign-in page that comes back here afterwards. */
export function requireUser(request: Request, context: AppLoadContext): SessionUser {
  const user = context.auth.user;
  if (user) return user;
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  throw redirect(`/login?${new URLSearchParams({ redirectTo: back })}`);
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
