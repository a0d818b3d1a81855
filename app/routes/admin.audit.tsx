import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, type AuditAction, type AuditEntityType } from "~/features/audit/audit-actions";
import { filterFromQuery, listAuditEvents } from "~/features/audit/list-audit.server";
import { auditQuery, formatCursor } from "~/features/audit/schemas.server";
import { requireRole } from "~/features/auth/guards.server";
import { ROLES, type Role } from "~/domain/vocabulary";
import { translator, type MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime } from "~/utils/format";

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: "en" | "zh-CN" } | undefined;
  return [{ title: translator(root?.locale ?? "en")("audit.heading") }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context, ["admin"]);
  const query = auditQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { filter, problems } = await filterFromQuery(context.db, query, context.timeZone);
  const page =
    problems.person || problems.patient
      ? { rows: [], older: null, newer: null }
      : await listAuditEvents(context.db, filter, { after: query.after, before: query.before });
  const { after: _after, before: _before, ...filters } = query;
  return json(
    {
      filters,
      problems,
      rows: page.rows.map((r) => ({
        id: r.id,
        seq: r.seq,
        at: r.at.toISOString(),
        actorId: r.actorId,
        actorRole: r.actorRole,
        actorName: r.actorName,
        action: r.action,
        entityType: r.entityType,
        entityId: r.entityId,
        patientId: r.patientId,
        patientName: r.patientName,
        clientAddress: r.clientAddress,
        detail: r.detail,
      })),
      older: page.older ? formatCursor(page.older) : null,
      newer: page.newer ? formatCursor(page.newer) : null,
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

const isAction = (value: string): value is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(value);
const isEntity = (value: string): value is AuditEntityType => (AUDIT_ENTITY_TYPES as readonly string[]).includes(value);
const isRole = (value: string | null): value is Role => value !== null && (ROLES as readonly string[]).includes(value);
const RECORD_PAGES = new Set(["appointment", "consult_note", "consultation"]);

/** Details hold ids, versions, times and field names only: shown as they are, long ids shortened. */
function detailText(detail: Record<string, unknown>) {
  const short = (value: string) =>
    /^[0-9a-f]{64}$/.test(value) ? `${value.slice(0, 12)}…` : /^[0-9a-f-]{36}$/.test(value) ? value.slice(0, 8) : value;
  return Object.entries(detail)
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? short(value) : JSON.stringify(value)}`)
    .join("; ");
}

export default function AuditTrail() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { filters, problems, rows, older, newer } = useLoaderData<typeof loader>();
  const link = (changes: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...filters, ...changes })) if (value) params.set(key, value);
    return `?${params}`;
  };
  const csv = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => Boolean(e[1])));
  const problem = (key?: MessageKey) =>
    key ? (
      <span className="field__error" role="alert">
        {t(key)}
      </span>
    ) : null;
  const pager = (
    <nav className="pager" aria-label={t("audit.heading")}>
      {newer ? (
        <>
          <Link className="button button--small" to={link({})}>
            {t("audit.newest")}
          </Link>
          <Link className="button button--small" to={link({ before: newer })}>
            {t("audit.newer")}
          </Link>
        </>
      ) : null}
      {older ? (
        <Link className="button button--small" to={link({ after: older })}>
          {t("audit.older")}
        </Link>
      ) : null}
    </nav>
  );
  return (
    <main id="main" className="page page--wide">
      <h1>{t("audit.heading")}</h1>
      <p className="lead">{t("audit.lead")}</p>
      <Form method="get" className="schedule__filters audit__filters">
        <label>
          {t("audit.person")}
          <input type="text" name="person" inputMode="email" defaultValue={filters.person ?? ""} aria-invalid={problems.person ? true : undefined} />
          {problem(problems.person)}
        </label>
        <label>
          {t("audit.patient")}
          <input type="text" name="patient" inputMode="email" defaultValue={filters.patient ?? ""} aria-invalid={problems.patient ? true : undefined} />
          {problem(problems.patient)}
        </label>
        <label>
          {t("audit.action")}
          <select name="action" defaultValue={filters.action ?? ""}>
            <option value="">{t("audit.allActions")}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(`audit.action.${a}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("audit.from")}
          <input type="date" name="from" defaultValue={filters.from ?? ""} />
        </label>
        <label>
          {t("audit.to")}
          <input type="date" name="to" defaultValue={filters.to ?? ""} aria-invalid={problems.to ? true : undefined} />
          {problem(problems.to)}
        </label>
        <div className="audit__buttons">
          <button type="submit" className="button button--primary button--small">
            {t("audit.filter")}
          </button>
          <Link className="button button--small" to="?">
            {t("audit.clear")}
          </Link>
        </div>
      </Form>
      <p className="audit__download">
        <a className="button button--small" href={`/admin/audit/csv?${csv}`} download>
          {t("audit.downloadCsv")}
        </a>{" "}
        <span className="muted small">{t("audit.downloadHint")}</span>
      </p>
      {rows.length === 0 ? (
        <p className="notice" role="status">
          {t("audit.none")}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table audit-table">
            <thead>
              <tr>
                <th scope="col">{t("audit.columnNo")}</th>
                <th scope="col">{t("audit.columnTime")}</th>
                <th scope="col">{t("audit.columnPerson")}</th>
                <th scope="col">{t("audit.columnAction")}</th>
                <th scope="col">{t("audit.columnRecord")}</th>
                <th scope="col">{t("audit.columnPatient")}</th>
                <th scope="col">{t("audit.columnAddress")}</th>
                <th scope="col">{t("audit.columnDetail")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="muted">{r.seq ?? "…"}</td>
                  <td>{formatDateTime(r.at, locale, timeZone, { dateStyle: "medium", timeStyle: "medium" })}</td>
                  <td>
                    {r.actorId ? (
                      <Link to={link({ person: r.actorId })}>{r.actorName ?? r.actorId}</Link>
                    ) : (
                      // Nobody signed in: someone failing to sign in, or the system (a script such as create-admin).
                      <span className="muted">{t(r.action === "auth.sign_in_failed" ? "audit.noActor" : "audit.system")}</span>
                    )}
                    {isRole(r.actorRole) ? <span className="muted small"> · {t(`role.${r.actorRole}`)}</span> : null}
                  </td>
                  <td>{isAction(r.action) ? t(`audit.action.${r.action}`) : r.action}</td>
                  <td>
                    {isEntity(r.entityType) ? t(`audit.entity.${r.entityType}`) : r.entityType}{" "}
                    {RECORD_PAGES.has(r.entityType) ? (
                      <Link className="mono small" to={`/appointments/${r.entityId}`}>
                        {r.entityId.slice(0, 8)}
                      </Link>
                    ) : r.entityType === "user" && r.entityId === "unknown" ? (
                      <span className="muted small">{t("audit.unknownAccount")}</span>
                    ) : (
                      <span className="mono small">{r.entityId.length > 12 ? r.entityId.slice(0, 8) : r.entityId}</span>
                    )}
                  </td>
                  <td>{r.patientId ? <Link to={link({ patient: r.patientId })}>{r.patientName ?? r.patientId}</Link> : null}</td>
                  <td className="mono small">{r.clientAddress}</td>
                  <td className="small audit-table__detail">{detailText(r.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pager}
    </main>
  );
}
