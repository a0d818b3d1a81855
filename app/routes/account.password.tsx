import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteLoaderData } from "@remix-run/react";
import { Field } from "~/components/field";
import { readReminderChannels, saveReminderChannels } from "~/features/accounts/preferences.server";
import { changePasswordForm, reminderChannelsForm } from "~/features/accounts/schemas.server";
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
  const user = requireUser(request, context);
  // Reminders are for patients (doctors and staff get none).
  return json({ reminders: user.role === "patient" ? await readReminderChannels(context.db, user.id) : null });
}

type ActionData = {
  errors: Partial<Record<string, MessageKey>>;
  changed?: boolean;
  retryAfterSeconds?: number;
  /** The reminders form: saved, or refused with what was typed. */
  reminders?: { saved: boolean; values?: Record<string, string> };
};

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireUser(request, context);
  if (new URL(request.url).searchParams.get("form") === "reminders") {
    if (user.role !== "patient") throw new Response("Not found", { status: 404 });
    const parsed = await parseForm(request, reminderChannelsForm);
    if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, reminders: { saved: false, values: parsed.values } }, { status: 400 });
    await saveReminderChannels(context.db, user.id, parsed.data);
    return json<ActionData>({ errors: {}, reminders: { saved: true } });
  }
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
  const { reminders } = useLoaderData<typeof loader>();
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
      {reminders ? <ReminderChannels current={reminders} data={data} busy={busy} /> : null}
      {role && mayUseSecondFactor(role) ? (
        <p className="aside">
          <Link to="/account/second-factor">{t("secondFactor.heading")}</Link>
        </p>
      ) : null}
    </main>
  );
}

/** How the patient gets reminders: email (on by default), SMS with a mobile number. Works without JavaScript. */
function ReminderChannels({
  current,
  data,
  busy,
}: {
  current: { email: string; notifyEmail: boolean; notifySms: boolean; phone: string | null };
  data: ActionData | undefined;
  busy: boolean;
}) {
  const t = useT();
  const refused = data?.reminders && !data.reminders.saved ? data.reminders.values : undefined;
  const errors = refused ? data!.errors : {};
  return (
    <section className="card form" aria-labelledby="reminders-heading">
      <h2 id="reminders-heading">{t("account.remindersHeading")}</h2>
      <p className="field__hint">{t("account.remindersLead")}</p>
      {data?.reminders?.saved ? (
        <p className="notice" role="status">
          {t("account.remindersSaved")}
        </p>
      ) : null}
      <Form method="post" action="?form=reminders" className="form" noValidate key={data?.reminders?.saved ? "saved" : "form"}>
        <fieldset className="choices">
          <legend className="visually-hidden">{t("account.remindersHeading")}</legend>
          <label className="choice">
            <input type="checkbox" name="notifyEmail" defaultChecked={refused ? refused.notifyEmail === "on" : current.notifyEmail} />
            {t("account.notifyEmail", { email: current.email })}
          </label>
          <label className="choice">
            <input type="checkbox" name="notifySms" defaultChecked={refused ? refused.notifySms === "on" : current.notifySms} />
            {t("account.notifySms")}
          </label>
        </fieldset>
        <Field
          label={t("account.phone")}
          name="phone"
          type="tel"
          autoComplete="tel"
          inputMode="tel"
          defaultValue={refused ? refused.phone : (current.phone ?? "")}
          hint={t("account.phoneHint")}
          error={errors.phone}
        />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {t("account.saveReminders")}
        </button>
      </Form>
    </section>
  );
}
