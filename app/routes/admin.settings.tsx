import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FormError } from "~/components/field";
import { requireRole } from "~/features/auth/guards.server";
import { getClinicSettings, saveClinicSettings } from "~/features/booking/clinic-settings.server";
import { CLINIC_SETTING_LIMITS, clinicSettingsForm } from "~/features/booking/schemas.server";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { parseForm } from "~/utils/forms.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context, ["admin"]);
  const s = await getClinicSettings(context.db);
  return json({
    settings: {
      nameZh: s.nameZh,
      nameEn: s.nameEn,
      timeZone: s.timeZone,
      minNoticeMinutes: s.minNoticeMinutes,
      bookingHorizonDays: s.bookingHorizonDays,
      cancellationCutoffMinutes: s.cancellationCutoffMinutes,
    },
    limits: CLINIC_SETTING_LIMITS,
  });
}

type ActionData = { saved?: boolean; formError?: MessageKey; errors: Partial<Record<string, MessageKey>> };

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = requireRole(request, context, ["admin"]);
  const parsed = await parseForm(request, clinicSettingsForm);
  if (!parsed.ok) return json<ActionData>({ formError: "error.form", errors: parsed.errors }, { status: 400 });
  await saveClinicSettings(context.db, parsed.data, { actor: admin, clientAddress: context.clientAddress });
  return json<ActionData>({ saved: true, errors: {} });
}

export default function ClinicSettingsPage() {
  const t = useT();
  const { settings, limits } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const range = (field: keyof typeof limits) => ({ min: limits[field][0], max: limits[field][1] });
  const numberError = (field: keyof typeof limits) => (data?.errors[field] ? data.errors[field] : null);
  return (
    <main id="main" className="page page--narrow">
      <h1>{t("settings.heading")}</h1>
      <p className="lead">{t("settings.lead")}</p>
      {data?.saved ? (
        <p className="notice" role="status">
          {t("settings.saved")}
        </p>
      ) : null}
      <Form method="post" className="card form" noValidate>
        <FormError error={data?.formError} />
        <Field label={t("settings.nameZh")} name="nameZh" defaultValue={settings.nameZh} required error={data?.errors.nameZh} />
        <Field label={t("settings.nameEn")} name="nameEn" defaultValue={settings.nameEn} required error={data?.errors.nameEn} />
        <Field
          label={t("settings.timeZone")}
          name="timeZone"
          defaultValue={settings.timeZone}
          hint={t("settings.timeZoneHint")}
          required
          error={data?.errors.timeZone}
        />
        {(
          [
            ["minNoticeMinutes", "settings.minNotice", "settings.minNoticeHint"],
            ["bookingHorizonDays", "settings.horizon", null],
            ["cancellationCutoffMinutes", "settings.cutoff", "settings.cutoffHint"],
          ] as const
        ).map(([field, label, hint]) => (
          <div key={field}>
            <Field
              label={t(label)}
              name={field}
              type="number"
              defaultValue={settings[field]}
              {...range(field)}
              hint={hint ? t(hint) : undefined}
              required
            />
            {numberError(field) ? (
              <p className="field__error" role="alert">
                {t("error.numberRange", range(field))}
              </p>
            ) : null}
          </div>
        ))}
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {t("settings.save")}
        </button>
      </Form>
    </main>
  );
}
