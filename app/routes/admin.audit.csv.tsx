import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportAuditCsv } from "~/features/audit/export-audit.server";
import { filterFromQuery } from "~/features/audit/list-audit.server";
import { auditQuery } from "~/features/audit/schemas.server";
import { requireRole } from "~/features/auth/guards.server";

/**
 * Every row the audit page's filters select, as CSV (UTF-8 with a byte-order mark), streamed a batch at
 * a time however many there are. The download is itself recorded in the trail.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireRole(request, context, ["admin"]);
  const query = auditQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { filter, problems } = await filterFromQuery(context.db, query, context.timeZone);
  if (problems.person || problems.patient) {
    return new Response("No account has this email.\n没有使用此邮箱的账户。\n", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const body = await exportAuditCsv(context.db, filter, { actor: admin, clientAddress: context.clientAddress });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-trail-${stamp}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
