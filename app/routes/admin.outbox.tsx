import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "~/features/auth/guards.server";
import { latestMessages, OUTBOX_PAGE_SIZE } from "~/features/notifications/list-outbox.server";
import { translator, type MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime } from "~/utils/format";

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: "en" | "zh-CN" } | undefined;
  return [{ title: translator(root?.locale ?? "en")("outbox.heading") }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context, ["admin"]);
  const messages = await latestMessages(context.db, new URL(request.url).origin);
  return json({ messages, messaging: context.messaging, pageSize: OUTBOX_PAGE_SIZE }, { headers: { "Cache-Control": "private, no-store" } });
}

const REASONS = new Set(["appointment_moved", "appointment_cancelled", "appointment_gone", "too_late", "channel_off", "offer_closed"]);

export default function OutboxPage() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { messages, messaging, pageSize } = useLoaderData<typeof loader>();
  const when = (instant: string) => formatDateTime(instant, locale, timeZone);
  return (
    <main id="main" className="page page--wide">
      <h1>{t("outbox.heading")}</h1>
      <p className="lead">{t("outbox.lead", { count: pageSize })}</p>
      <ul className="plain-list outbox-channels">
        <li>{t(messaging.email ? "outbox.emailOn" : "outbox.emailOff")}</li>
        <li>{t(messaging.sms ? "outbox.smsOn" : "outbox.smsOff")}</li>
      </ul>
      {messages.length === 0 ? (
        <p className="card empty">{t("outbox.empty")}</p>
      ) : (
        // Nothing in the table takes focus: the region itself does, so a keyboard can scroll it on a phone.
        <div className="table-scroll" role="region" aria-label={t("outbox.heading")} tabIndex={0}>
          <table className="table outbox-table">
            <thead>
              <tr>
                <th scope="col">{t("outbox.columnTime")}</th>
                <th scope="col">{t("outbox.columnKind")}</th>
                <th scope="col">{t("outbox.columnChannel")}</th>
                <th scope="col">{t("outbox.columnRecipient")}</th>
                <th scope="col">{t("outbox.columnSubject")}</th>
                <th scope="col">{t("outbox.columnStatus")}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id} data-status={m.status}>
                  <td>{when(m.sentAt ?? m.sendAt)}</td>
                  <td>{t(`outbox.kind.${m.kind}`)}</td>
                  <td>{t(`outbox.channel.${m.channel}`)}</td>
                  <td>{m.recipient}</td>
                  <td className="outbox-table__subject">{m.subject}</td>
                  <td>
                    <span className={`outbox-status outbox-status--${m.status}`}>{t(`outbox.status.${m.status}`)}</span>
                    {m.lastError ? (
                      <span className="outbox-table__note">
                        {REASONS.has(m.lastError) ? t(`outbox.reason.${m.lastError}` as MessageKey) : m.lastError}
                      </span>
                    ) : null}
                    {m.attempts > 0 && (m.status === "pending" || m.status === "failed") ? (
                      <span className="outbox-table__note">
                        {t("outbox.attempts", { count: m.attempts })}
                        {m.status === "pending" ? ` · ${t("outbox.nextAttempt", { time: when(m.nextAttemptAt) })}` : ""}
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
