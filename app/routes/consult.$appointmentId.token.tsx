import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { consumeLimit, RateLimitedError } from "~/features/auth/rate-limit.server";
import { issueJoinCredentials } from "~/features/consultation/issue-token.server";
import { DomainError } from "~/utils/errors";
import { retryAfter } from "~/utils/headers";

/**
 * Credentials to join the call, in the body of a POST answer (never in a URL). Every refusal — not
 * signed in, not a participant, outside the window — is the same 403.
 */
export async function action({ params, context }: ActionFunctionArgs) {
  const user = context.auth.user;
  if (!user) return json({ error: "consult.tokenRefused" }, { status: 403 });
  try {
    await consumeLimit(context.db, context.limits.token(user.id));
    const credentials = await issueJoinCredentials(context.db, user, params.appointmentId ?? "", {
      provider: context.video,
      clientAddress: context.clientAddress,
    });
    return json(credentials, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof RateLimitedError) {
      return json({ error: error.messageKey }, { status: 429, headers: retryAfter(error.retryAfterSeconds) });
    }
    if (error instanceof DomainError) return json({ error: "consult.tokenRefused" }, { status: 403 });
    throw error;
  }
}

export async function loader() {
  return json({ error: "Use POST" }, { status: 405 });
}
