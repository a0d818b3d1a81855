import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ProfileFields } from "~/components/profile-fields";
import { requireRole } from "~/features/auth/guards.server";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { readProfile, saveProfile } from "~/features/patient-record/patient-record.server";
import { profileForm } from "~/features/patient-record/schemas.server";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { parseForm } from "~/utils/forms.server";
import { localDateOf } from "~/utils/zoned-time";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireRole(request, context, ["patient"]);
  return json({ profile: await readProfile(context.db, user.id) }, { headers: { "Cache-Control": "private, no-store" } });
}

type ActionData = { errors: Partial<Record<string, MessageKey>>; saved?: boolean };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireRole(request, context, ["patient"]);
  const today = localDateOf(new Date(), (await getClinicSettings(context.db)).timeZone);
  const parsed = await parseForm(request, profileForm(today));
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors }, { status: 400 });
  await saveProfile(context.db, user, parsed.data, { clientAddress: context.clientAddress });
  return json<ActionData>({ errors: {}, saved: true });
}

/** The patient's health profile: what their doctors see of them (date of birth, sex, allergies). */
export default function HealthProfile() {
  const t = useT();
  const { profile } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <main id="main" className="page page--narrow">
      <h1>{t("profile.heading")}</h1>
      <p className="lead">{t("profile.lead")}</p>
      {data?.saved ? (
        <p className="notice" role="status">
          {t("profile.saved")}
        </p>
      ) : null}
      <Form method="post" className="card form" noValidate>
        <ProfileFields values={profile} errors={data?.errors ?? {}} />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {t("profile.save")}
        </button>
      </Form>
      <p className="aside">
        <Link to="/account/password">{t("account.passwordHeading")}</Link>
      </p>
    </main>
  );
}
