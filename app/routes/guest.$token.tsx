import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError } from "~/components/field";
import { JoinLinkNotOpenError } from "~/features/consultation/join-links.server";
import { GUEST_NAME_MAX, guestForm, openGuestLink, readGuestLink } from "~/features/consultation/participants.server";
import { translator, type MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { DomainError } from "~/utils/errors";
import { formatDateTime } from "~/utils/format";
import { retryAfter } from "~/utils/headers";

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: "en" | "zh-CN" } | undefined;
  return [{ title: translator(root?.locale ?? "en")("guestLink.heading") }, { name: "referrer", content: "no-referrer" }];
};

/** Never cached, never sent on as a referrer: the address is the key. */
const PRIVATE = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };

/** A refusal as the page shows it: why, and when the room opens if it is not open yet. */
function refusal(error: unknown) {
  if (!(error instanceof DomainError)) throw error;
  const opensAt = error instanceof JoinLinkNotOpenError && !error.closed ? error.opensAt.toISOString() : null;
  const key = error instanceof JoinLinkNotOpenError ? (error.closed ? "guestLink.closed" : "guestLink.notYet") : error.messageKey;
  return json({ problem: key as MessageKey, opensAt }, { status: error.status, headers: { ...PRIVATE, ...retryAfter(error.detail?.retryAfterSeconds) } });
}

/**
 * A companion's guest link (`/guest/<token>`), made by the patient for a family member or an interpreter:
 * inside the room's join window, and once, it asks only for a name, then opens the consultation's
 * waiting room, where the doctor lets them in. A used, withdrawn or closed link says so and opens nothing.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  if (context.auth.user) return json({ problem: "guestLink.signedIn" as MessageKey, opensAt: null }, { status: 409, headers: PRIVATE });
  try {
    await readGuestLink(context.db, params.token ?? "", { limit: context.limits.joinLink(context.clientAddress) });
    return json({ problem: null, opensAt: null }, { headers: PRIVATE });
  } catch (error) {
    return refusal(error);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (context.auth.user) return json({ problem: "guestLink.signedIn" as MessageKey, opensAt: null }, { status: 409, headers: PRIVATE });
  const parsed = guestForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ formError: (parsed.error.issues[0]?.message ?? "error.form") as MessageKey }, { status: 400, headers: PRIVATE });
  try {
    const { appointmentId, setCookie } = await openGuestLink(context.db, params.token ?? "", parsed.data.name, request.headers.get("Cookie"), {
      secureCookies: context.secureCookies,
      clientAddress: context.clientAddress,
      limit: context.limits.joinLink(context.clientAddress),
    });
    return redirect(`/consult/${appointmentId}`, { headers: { ...PRIVATE, "Set-Cookie": setCookie } });
  } catch (error) {
    return refusal(error);
  }
}

export default function GuestLinkPage() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>() as { problem?: MessageKey; opensAt?: string | null; formError?: MessageKey } | undefined;
  const busy = useNavigation().state !== "idle";
  const problem = acted?.problem ?? loaded.problem;
  const opensAt = acted?.opensAt ?? loaded.opensAt;
  const time = opensAt ? formatDateTime(opensAt, locale, timeZone, { weekday: "long", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" }) : "";
  return (
    <main id="main" className="page page--narrow">
      <h1>{t("guestLink.heading")}</h1>
      <div className="card">
        {problem ? (
          <p role="alert">{t(problem, { time })}</p>
        ) : (
          <Form method="post" replace>
            <p>{t("guestLink.lead")}</p>
            <FormError error={acted?.formError} />
            <div className="field">
              <label htmlFor="guest-name">{t("guestLink.name")}</label>
              <input id="guest-name" name="name" type="text" required maxLength={GUEST_NAME_MAX} autoComplete="name" />
            </div>
            <button type="submit" className="button button--primary" disabled={busy}>
              {t("guestLink.join")}
            </button>
          </Form>
        )}
      </div>
    </main>
  );
}
