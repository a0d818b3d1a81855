import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field } from "~/components/field";
import { signInForm } from "~/features/accounts/schemas.server";
import { requireAnonymous, safeRedirect } from "~/features/auth/guards.server";
import { homeFor } from "~/features/auth/roles";
import { startSession } from "~/features/auth/session.server";
import { signIn } from "~/features/auth/sign-in.server";
import { translator, type MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { parseForm } from "~/utils/forms.server";
import { passOnHeaders, retryAfter } from "~/utils/headers";

export const headers = passOnHeaders;

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: "en" | "zh-CN" } | undefined;
  return [{ title: translator(root?.locale ?? "en")("auth.signInHeading") }];
};

export async function loader({ context }: LoaderFunctionArgs) {
  requireAnonymous(context);
  return null;
}

type ActionData = {
  errors: Partial<Record<string, MessageKey>>;
  formError?: MessageKey;
  retryAfterSeconds?: number;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const cookie = request.headers.get("Cookie");
  const parsed = await parseForm(request, signInForm);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors }, { status: 400 });

  const result = await signIn(context.db, { ...parsed.data, clientAddress: context.clientAddress }, context.limits);
  if (!result.ok && result.reason === "rate_limited") {
    return json<ActionData>(
      { errors: {}, formError: "error.tooManyAttempts", retryAfterSeconds: result.retryAfterSeconds },
      { status: 429, headers: retryAfter(result.retryAfterSeconds) },
    );
  }
  if (!result.ok && result.reason === "deactivated") {
    return json<ActionData>({ errors: {}, formError: "error.accountDeactivated" }, { status: 403 });
  }
  if (!result.ok) return json<ActionData>({ errors: {}, formError: "error.invalidCredentials" }, { status: 400 });
  // The staff entrance (offered on the arrival line's page) passes the line: it is not for patients.
  if (new URL(request.url).searchParams.has("staff") && result.role === "patient") {
    return json<ActionData>({ errors: {}, formError: "auth.staffEntrance" }, { status: 403 });
  }

  const headers = new Headers();
  // Signed in: never sent to the arrival line (doctors and staff keep their pass for weeks on the device).
  // With two-step sign-in, already now: the code's page must not queue behind the line either.
  headers.append("Set-Cookie", context.arrival.passCookie(result.role === "patient" ? "patient" : "staff"));
  if (result.secondFactor) {
    // The password was right; the code comes next, on a page of its own. Nobody is signed in yet.
    headers.append("Set-Cookie", await startSession(context.db, result.userId, cookie, "awaiting_second_factor", { clientAddress: context.clientAddress, secureCookies: context.secureCookies }));
    const query = parsed.data.redirectTo ? `?${new URLSearchParams({ redirectTo: parsed.data.redirectTo })}` : "";
    return redirect(`/login/code${query}`, { headers });
  }
  headers.append("Set-Cookie", await startSession(context.db, result.userId, cookie, "password", { clientAddress: context.clientAddress, secureCookies: context.secureCookies }));
  return redirect(safeRedirect(parsed.data.redirectTo, homeFor(result.role)), { headers });
}

export default function Login() {
  const t = useT();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <main id="main" className="page page--narrow">
      <h1>{t("auth.signInHeading")}</h1>
      <Form method="post" className="card form" noValidate>
        {data?.formError ? (
          <p className="form-error" role="alert">
            {t(data.formError, { seconds: data.retryAfterSeconds ?? 60 })}
          </p>
        ) : null}
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field label={t("auth.email")} name="email" type="email" autoComplete="username" required error={data?.errors.email} />
        <Field
          label={t("auth.password")}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={data?.errors.password}
        />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {t("auth.signIn")}
        </button>
      </Form>
      <p className="aside">
        {t("auth.noAccount")} <Link to="/register">{t("auth.createAccount")}</Link>
      </p>
      <p className="aside muted">{t("home.staffNote")}</p>
    </main>
  );
}
