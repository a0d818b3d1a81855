import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useRouteLoaderData } from "@remix-run/react";
import { Field } from "~/components/field";
import { changePasswordForm } from "~/features/accounts/schemas.server";
import { changePassword } from "~/features/auth/change-password.server";
import { requireUser } from "~/features/auth/guards.server";
import { RateLimitedError } from "~/features/auth/rate-limit.server";
import { mayUseSecondFactor } from "~/features/auth/roles";
import type { loader as rootLoader } from "~/root";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { parseForm } from "~/utils/forms.server";
import { passOnHeaders, retryAfter } from "~/utils/headers";

export const headers = passOnHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(request, context);
  return null;
}

type ActionData = { errors: Partial<Record<string, MessageKey>>; changed?: boolean; retryAfterSeconds?: number };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(request, context);
  const parsed = await parseForm(request, changePasswordForm);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors }, { status: 400 });
  const outcome = await changePassword(
    context.db,
    { id: user.id, email: user.email, sessionId: context.auth.sessionId },
    parsed.data,
    { clientAddress: context.clientAddress },
  ).catch((error: unknown) => {
    if (error instanceof RateLimitedError) return error;
    throw error;
  });
  if (outcome instanceof RateLimitedError) {
    return json<ActionData>(
      { errors: {}, retryAfterSeconds: outcome.retryAfterSeconds },
      { status: 429, headers: retryAfter(outcome.retryAfterSeconds) },
    );
  }
  if (outcome === "wrong_password") {
    return json<ActionData>({ errors: { currentPassword: "error.currentPasswordWrong" } }, { status: 400 });
  }
  return json<ActionData>({ errors: {}, changed: true });
}

export default function ChangePassword() {
  const t = useT();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const role = useRouteLoaderData<typeof rootLoader>("root")?.user?.role;
  return (
    <main id="main" className="page page--narrow">
      <h1>{t("account.passwordHeading")}</h1>
      <p className="lead">{t("account.passwordLead")}</p>
      {data?.changed ? (
        <p className="notice" role="status">
          {t("account.passwordChanged")}
        </p>
      ) : null}
      <Form method="post" className="card form" noValidate key={data?.changed ? "done" : "form"}>
        {data?.retryAfterSeconds ? (
          <p className="form-error" role="alert">
            {t("error.tooManyPasswordAttempts", { seconds: data.retryAfterSeconds })}
          </p>
        ) : null}
        <Field
          label={t("account.currentPassword")}
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          error={data?.errors.currentPassword}
        />
        <Field
          label={t("account.newPassword")}
          name="newPassword"
          type="password"
          autoComplete="new-password"
          hint={t("auth.passwordHint")}
          required
          error={data?.errors.newPassword}
        />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {t("account.changePassword")}
        </button>
      </Form>
      {role === "patient" ? (
        <p className="aside">
          <Link to="/account/profile">{t("profile.heading")}</Link>
        </p>
      ) : null}
      {role && mayUseSecondFactor(role) ? (
        <p className="aside">
          <Link to="/account/second-factor">{t("secondFactor.heading")}</Link>
        </p>
      ) : null}
    </main>
  );
}
