import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field } from "~/components/field";
import { safeRedirect } from "~/features/auth/guards.server";
import { homeFor } from "~/features/auth/roles";
import { secondStepForm } from "~/features/auth/schemas.server";
import { finishSignIn } from "~/features/auth/second-factor.server";
import { translator, type MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { parseForm } from "~/utils/forms.server";
import { passOnHeaders, retryAfter } from "~/utils/headers";

export const headers = passOnHeaders;

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: "en" | "zh-CN" } | undefined;
  return [{ title: translator(root?.locale ?? "en")("auth.codeHeading") }];
};

/** The second step of a sign-in: only for a request whose password step just succeeded. */
export async function loader({ context }: LoaderFunctionArgs) {
  if (context.auth.user) throw redirect(homeFor(context.auth.user.role));
  if (!context.auth.pendingSecondFactor) throw redirect("/login");
  return null;
}

type ActionData = { errors: Partial<Record<string, MessageKey>>; formError?: MessageKey; retryAfterSeconds?: number };

export async function action({ request, context }: ActionFunctionArgs) {
  const pending = context.auth.pendingSecondFactor;
  if (!pending) throw redirect("/login");
  const parsed = await parseForm(request, secondStepForm);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors }, { status: 400 });
  const result = await finishSignIn(context.db, pending, {
    code: parsed.data.code,
    cookieHeader: request.headers.get("Cookie"),
    clientAddress: context.clientAddress,
    secureCookies: context.secureCookies,
  });
  if (!result.ok && result.reason === "rate_limited") {
    return json<ActionData>(
      { errors: {}, formError: "error.tooManyCodes", retryAfterSeconds: result.retryAfterSeconds },
      { status: 429, headers: retryAfter(result.retryAfterSeconds) },
    );
  }
  if (!result.ok) return json<ActionData>({ errors: { code: "error.codeWrong" } }, { status: 400 });
  const headers = new Headers();
  headers.append("Set-Cookie", result.setCookie);
  headers.append("Set-Cookie", context.arrival.passCookie(result.role === "patient" ? "patient" : "staff"));
  return redirect(safeRedirect(parsed.data.redirectTo, homeFor(result.role)), { headers });
}

export default function SecondStep() {
  const t = useT();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <main id="main" className="page page--narrow">
      <h1>{t("auth.codeHeading")}</h1>
      <p className="lead">{t("auth.codeLead")}</p>
      <Form method="post" className="card form" noValidate>
        {data?.formError ? (
          <p className="form-error" role="alert">
            {t(data.formError, { seconds: data.retryAfterSeconds ?? 60 })}
          </p>
        ) : null}
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field
          label={t("auth.code")}
          name="code"
          autoComplete="one-time-code"
          autoCapitalize="off"
          spellCheck={false}
          autoFocus
          required
          error={data?.errors.code}
        />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {t("auth.verify")}
        </button>
      </Form>
      <p className="aside">
        <Link to="/login">{t("auth.codeStartOver")}</Link>
      </p>
    </main>
  );
}
