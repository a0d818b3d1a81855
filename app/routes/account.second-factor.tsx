import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field } from "~/components/field";
import { requireUser, safeRedirect } from "~/features/auth/guards.server";
import { homeFor, mayUseSecondFactor, secondFactorRequired } from "~/features/auth/roles";
import { secondFactorForm } from "~/features/auth/schemas.server";
import { newTotpSecret, totpUri } from "~/features/auth/second-factor-codes.server";
import { disableSecondFactor, enableSecondFactor, getSecondFactorStatus } from "~/features/auth/second-factor.server";
import { qrCodePath } from "~/features/auth/qr-code.server";
import { translator, type MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { parseForm } from "~/utils/forms.server";
import { passOnHeaders, retryAfter } from "~/utils/headers";

export const headers = passOnHeaders;

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: "en" | "zh-CN" } | undefined;
  return [{ title: translator(root?.locale ?? "en")("secondFactor.heading") }];
};

function requireSecondFactorUser(request: Request, context: LoaderFunctionArgs["context"]) {
  const user = requireUser(request, context, { enrolling: true });
  if (!mayUseSecondFactor(user.role)) throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
  return user;
}

/** What the page needs to enrol: a new secret, shown as a QR code and as text. Nothing is stored yet. */
function enrolment(email: string, secret = newTotpSecret()) {
  return { secret, qr: qrCodePath(totpUri(secret, email)) };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireSecondFactorUser(request, context);
  const status = await getSecondFactorStatus(context.db, user.id);
  return json({
    status,
    required: secondFactorRequired(user.role),
    enrolment: status.enabled ? null : enrolment(user.email),
    home: homeFor(user.role),
  });
}

type ActionData = {
  errors: Partial<Record<string, MessageKey>>;
  formError?: MessageKey;
  retryAfterSeconds?: number;
  /** After a wrong code: the same secret again, so that the app the person just set up still fits. */
  enrolment?: ReturnType<typeof enrolment>;
  recoveryCodes?: string[];
  next?: string;
  disabled?: boolean;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireSecondFactorUser(request, context);
  const parsed = await parseForm(request, secondFactorForm);
  if (!parsed.ok) return json<ActionData>({ formError: "error.form", errors: parsed.errors }, { status: 400 });
  const input = parsed.data;
  if (input.intent === "disable") {
    const result = await disableSecondFactor(context.db, user, input.password, context.clientAddress);
    if (result === "wrong_password") return json<ActionData>({ errors: { password: "error.currentPasswordWrong" } }, { status: 400 });
    if (result !== "disabled") {
      return json<ActionData>(
        { errors: {}, formError: "error.tooManyCodes", retryAfterSeconds: result.retryAfterSeconds },
        { status: 429, headers: retryAfter(result.retryAfterSeconds) },
      );
    }
    return json<ActionData>({ errors: {}, disabled: true });
  }
  const result = await enableSecondFactor(
    context.db,
    { id: user.id, role: user.role, sessionId: context.auth.sessionId! },
    { secret: input.secret, code: input.code },
    context.clientAddress,
  );
  if (result.ok) {
    return json<ActionData>({ errors: {}, recoveryCodes: result.recoveryCodes, next: safeRedirect(input.redirectTo, homeFor(user.role)) });
  }
  if (result.reason === "already_enabled") return json<ActionData>({ errors: {}, formError: "error.secondFactorAlreadyOn" }, { status: 409 });
  if (result.reason === "not_allowed") return json<ActionData>({ formError: "error.form", errors: {}, enrolment: enrolment(user.email) }, { status: 400 });
  if (result.reason === "rate_limited") {
    return json<ActionData>(
      { errors: {}, formError: "error.tooManyCodes", retryAfterSeconds: result.retryAfterSeconds, enrolment: enrolment(user.email, input.secret) },
      { status: 429, headers: retryAfter(result.retryAfterSeconds) },
    );
  }
  return json<ActionData>({ errors: { code: "error.codeWrong" }, enrolment: enrolment(user.email, input.secret) }, { status: 400 });
}

export default function SecondFactorPage() {
  const t = useT();
  const { status, required, enrolment: fresh, home } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const formError = data?.formError ? (
    <p className="form-error" role="alert">
      {t(data.formError, { seconds: data.retryAfterSeconds ?? 60 })}
    </p>
  ) : null;

  if (data?.recoveryCodes) {
    return (
      <main id="main" className="page page--narrow">
        <h1>{t("secondFactor.heading")}</h1>
        <p className="notice" role="status">
          {t("secondFactor.enabled")}
        </p>
        <section className="card">
          <h2>{t("secondFactor.recoveryHeading")}</h2>
          <p>{t("secondFactor.recoveryLead")}</p>
          <ul className="recovery-codes" aria-label={t("secondFactor.recoveryHeading")}>
            {data.recoveryCodes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ul>
          <Link className="button button--primary" to={data.next ?? home}>
            {t("secondFactor.continue")}
          </Link>
        </section>
      </main>
    );
  }

  const enrol = data?.enrolment ?? fresh;
  return (
    <main id="main" className="page page--narrow">
      <h1>{t("secondFactor.heading")}</h1>
      {data?.disabled ? (
        <p className="notice" role="status">
          {t("secondFactor.off")}
        </p>
      ) : null}
      {required && !status.enabled ? (
        <p className="form-error" role="alert">
          {t("secondFactor.requiredForAdmin")}
        </p>
      ) : null}
      <p className="lead">{t("secondFactor.lead")}</p>
      {status.enabled || !enrol ? (
        <>
          <section className="card">
            <p>
              <strong>{t("secondFactor.on")}</strong> {t("secondFactor.codesLeft", { count: status.recoveryCodesLeft })}
            </p>
          </section>
          <Form method="post" className="card form" noValidate>
            <h2>{t("secondFactor.turnOffHeading")}</h2>
            <p className="muted">{required ? t("secondFactor.turnOffAdmin") : t("secondFactor.turnOffLead")}</p>
            {formError}
            <input type="hidden" name="intent" value="disable" />
            <Field
              label={t("auth.password")}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              error={data?.errors.password}
            />
            <button type="submit" className="button" disabled={busy}>
              {t("secondFactor.turnOff")}
            </button>
          </Form>
        </>
      ) : (
        <Form method="post" className="card form enrol" noValidate>
          {formError}
          <input type="hidden" name="intent" value="enable" />
          <input type="hidden" name="secret" value={enrol.secret} />
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
          <p>{t("secondFactor.step1")}</p>
          <svg
            className="enrol__qr"
            viewBox={`-4 -4 ${enrol.qr.size + 8} ${enrol.qr.size + 8}`}
            role="img"
            aria-label={t("secondFactor.qrLabel")}
            shapeRendering="crispEdges"
          >
            <rect x={-4} y={-4} width={enrol.qr.size + 8} height={enrol.qr.size + 8} fill="#fff" />
            <path d={enrol.qr.path} fill="#000" />
          </svg>
          <p className="muted">
            {t("secondFactor.manualKey")} <code className="enrol__key" data-secret={enrol.secret}>{enrol.secret.match(/.{4}/g)!.join(" ")}</code>
          </p>
          <Field
            label={t("secondFactor.step2")}
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            error={data?.errors.code}
          />
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {t("secondFactor.turnOn")}
          </button>
        </Form>
      )}
    </main>
  );
}
