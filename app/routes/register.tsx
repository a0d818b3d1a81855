import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Field, FormError } from "~/components/field";
import { createAccount, EmailTakenError } from "~/features/accounts/create-account.server";
import { registerForm } from "~/features/accounts/schemas.server";
import { requireAnonymous } from "~/features/auth/guards.server";
import { consumeLimit, RateLimitedError } from "~/features/auth/rate-limit.server";
import { startSession } from "~/features/auth/session.server";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { parseForm } from "~/utils/forms.server";
import { passOnHeaders, retryAfter } from "~/utils/headers";

export const headers = passOnHeaders;

export async function loader({ context }: LoaderFunctionArgs) {
  requireAnonymous(context);
  return null;
}

type ActionData = { formError?: MessageKey; errors: Partial<Record<string, MessageKey>>; retryAfterSeconds?: number };

export async function action({ request, context }: ActionFunctionArgs) {
  requireAnonymous(context);
  const cookie = request.headers.get("Cookie");
  const parsed = await parseForm(request, registerForm);
  if (!parsed.ok) return json<ActionData>({ formError: "error.form", errors: parsed.errors }, { status: 400 });
  const { email, password, fullName, timeZone } = parsed.data;
  try {
    await consumeLimit(context.db, context.limits.register(context.clientAddress));
    const { userId } = await createAccount(
      context.db,
      { email, password, displayName: fullName, role: "patient", timeZone: timeZone ?? context.timeZone },
      undefined,
      { actorId: "self", clientAddress: context.clientAddress, via: "registration" },
    );
    const headers = new Headers();
    headers.append("Set-Cookie", await startSession(context.db, userId, cookie, "password", { clientAddress: context.clientAddress, secureCookies: context.secureCookies }));
    headers.append("Set-Cookie", context.arrival.passCookie("patient"));
    return redirect("/doctors", { headers });
  } catch (error) {
    if (error instanceof RateLimitedError) {
      return json<ActionData>(
        { formError: "error.rateLimited", errors: {}, retryAfterSeconds: error.retryAfterSeconds },
        { status: 429, headers: retryAfter(error.retryAfterSeconds) },
      );
    }
    if (error instanceof EmailTakenError) {
      return json<ActionData>({ errors: { email: "error.emailTaken" } }, { status: 400 });
    }
    throw error;
  }
}

export default function Register() {
  const t = useT();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  // The browser knows the patient's time zone; the server falls back to it from a cookie without JS.
  const [zone, setZone] = useState("");
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  return (
    <main id="main" className="page page--narrow">
      <h1>{t("auth.registerHeading")}</h1>
      <p className="lead">{t("auth.registerLead")}</p>
      <Form method="post" className="card form" noValidate>
        {data?.formError === "error.rateLimited" ? (
          <p className="form-error" role="alert">
            {t("error.rateLimited", { seconds: data.retryAfterSeconds ?? 60 })}
          </p>
        ) : (
          <FormError error={data?.formError} />
        )}
        <Field label={t("auth.fullName")} name="fullName" autoComplete="name" required maxLength={100} error={data?.errors.fullName} />
        <Field label={t("auth.email")} name="email" type="email" autoComplete="email" required error={data?.errors.email} />
        <Field
          label={t("auth.password")}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint={t("auth.passwordHint")}
          error={data?.errors.password}
        />
        <input type="hidden" name="timeZone" value={zone} />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {t("auth.createAccount")}
        </button>
      </Form>
      <p className="aside">
        {t("auth.haveAccount")} <Link to="/login">{t("auth.signIn")}</Link>
      </p>
    </main>
  );
}
