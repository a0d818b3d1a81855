import type { ActionFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { requireUser } from "~/features/auth/guards.server";
import { attachUpload } from "~/features/attachments/attachments.server";
import { failure } from "~/utils/domain-response.server";
import { DomainError } from "~/utils/errors";
import { idParam } from "~/utils/route-params.server";

/**
 * "Attach photo or file" on an appointment's page and in its room: the files checked and stored, then
 * what was stored (for the page's fetcher), or a 4xx with the message to show. A browser that posted the
 * form itself (no script yet) is led back to the appointment's page, with the refusal's message.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = requireUser(request, context);
  const id = idParam(params, "appointmentId");
  // The page's fetcher asks with fetch(); a browser without script navigates (Remix strips `_data` first).
  const fromScript = request.headers.get("Sec-Fetch-Mode") !== "navigate" && !(request.headers.get("Accept") ?? "").includes("text/html");
  try {
    const added = await attachUpload(context.db, user, id, request, { clientAddress: context.clientAddress, limits: context.limits });
    return fromScript ? json({ ok: true as const, added }) : redirect(`/appointments/${id}#attachments`);
  } catch (error) {
    if (!fromScript && error instanceof DomainError && error.status !== 404) return redirect(`/appointments/${id}?attachError=${error.messageKey}#attachments`);
    return failure(error);
  }
}
