import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/features/auth/guards.server";
import { readAttachment } from "~/features/attachments/attachments.server";
import { orErrorPage } from "~/utils/domain-response.server";
import { idParam } from "~/utils/route-params.server";

/**
 * One attached photo or file (`?variant=thumbnail`: its thumbnail), for its appointment's patient and
 * doctor only (anyone else: 404), every view in the audit trail. Served as what it is and nothing else
 * (`nosniff`, which the server puts on every response, and a sandbox that runs nothing), never cached, a
 * PDF to be saved rather than opened here.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireUser(request, context);
  const variant = new URL(request.url).searchParams.get("variant") === "thumbnail" ? "thumbnail" : "file";
  const file = await orErrorPage(readAttachment(context.db, user, idParam(params, "attachmentId"), variant, { clientAddress: context.clientAddress }));
  return new Response(new Uint8Array(file.body), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.body.length),
      "Content-Disposition": `${file.disposition}; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
      "Cross-Origin-Resource-Policy": "same-origin",
      "Cache-Control": "private, no-store",
    },
  });
}
