import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { startJoinSession } from "~/features/auth/session.server";
import { JoinLinkNotOpenError, openJoinLink } from "~/features/consultation/join-links.server";
import { translator, type MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { DomainError } from "~/utils/errors";
import { formatDateTime } from "~/utils/format";
import { retryAfter } from "~/utils/headers";

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: "en" | "zh-CN" } | undefined;
  return [{ title: translator(root?.locale ?? "en")("joinLink.pageHeading") }, { name: "referrer", content: "no-referrer" }];
};

/** Never cached, never sent on as a referrer: the address is the key. */
const PRIVATE = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };

/**
 * A personal join link (`/join/<token>`): inside its window it starts a session that opens this one
 * room, and goes there. On a device where the patient is signed in already it just goes there; where
 * someone else is, it asks them to sign out first. Otherwise a short page says why not, and nothing else.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const signedIn = context.auth.user;
  try {
    const link = await openJoinLink(context.db, params.token ?? "", {
      clientAddress: context.clientAddress,
      limit: context.limits.joinLink(context.clientAddress),
    });
    if (signedIn) {
      if (signedIn.id === link.patientId) return redirect(`/consult/${link.appointmentId}`, { headers: PRIVATE });
      return json({ problem: "joinLink.otherPerson" as MessageKey, opensAt: null }, { status: 409, headers: PRIVATE });
    }
    const setCookie = await startJoinSession(context.db, link, request.headers.get("Cookie"), {
      secureCookies: context.secureCookies,
      clientAddress: context.clientAddress,
    });
    return redirect(`/consult/${link.appointmentId}`, { headers: { ...PRIVATE, "Set-Cookie": setCookie } });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const opensAt = error instanceof JoinLinkNotOpenError && !error.closed ? error.opensAt.toISOString() : null;
    return json({ problem: error.messageKey, opensAt }, { status: error.status, headers: { ...PRIVATE, ...retryAfter(error.detail?.retryAfterSeconds) } });
  }
}

export default function JoinLinkPage() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { problem, opensAt } = useLoaderData<typeof loader>();
  const time = opensAt
    ? formatDateTime(opensAt, locale, timeZone, { weekday: "long", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" })
    : "";
  return (
    <main id="main" className="page page--narrow">
      <h1>{t("joinLink.pageHeading")}</h1>
      <div className="card">
        <p role="alert">{t(problem, { time })}</p>
        <Link className="button" to="/login">
          {t("joinLink.signIn")}
        </Link>
      </div>
    </main>
  );
}
