import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ConfirmAction } from "~/components/confirm-action";
import { Field, FormError, SelectField, TextArea } from "~/components/field";
import { setAccountActive } from "~/features/accounts/activation.server";
import { languagesText, specialtiesText } from "~/features/accounts/profile-text";
import { activationForm, doctorEditForm, personEditForm } from "~/features/accounts/schemas.server";
import { readEditableAccount, updateAccount } from "~/features/accounts/update-account.server";
import { requireRole } from "~/features/auth/guards.server";
import { listDepartments } from "~/features/directory/list-doctors.server";
import { DOCTOR_TITLES } from "~/domain/vocabulary";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { orErrorPage } from "~/utils/domain-response.server";
import { DomainError } from "~/utils/errors";
import { parseForm } from "~/utils/forms.server";
import { pick } from "~/utils/format";
import { idParam } from "~/utils/route-params.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const admin = requireRole(request, context, ["admin"]);
  const userId = idParam(params, "userId");
  const account = await orErrorPage(readEditableAccount(context.db, admin, userId));
  const departments = account.doctor ? await listDepartments(context.db) : [];
  const { doctor } = account;
  return json({
    account: { id: account.id, email: account.email, role: account.role, displayName: account.displayName, deactivated: account.deactivatedAt !== null },
    mayChangeActivation: account.mayChangeActivation,
    // The form's fields as text, as the form sends them back.
    values: doctor
      ? {
          nameZh: doctor.nameZh,
          nameEn: doctor.nameEn,
          departmentId: doctor.departmentId,
          title: doctor.title,
          specialties: specialtiesText(doctor.specialties),
          languages: languagesText(doctor.languages),
          bioZh: doctor.bioZh,
          bioEn: doctor.bioEn,
          defaultConsultationMinutes: String(doctor.defaultConsultationMinutes),
        }
      : { displayName: account.displayName },
    doctorId: doctor?.id ?? null,
    departments: departments.map((d) => ({ id: d.id, nameZh: d.nameZh, nameEn: d.nameEn })),
  });
}

type ActionData = {
  errors: Partial<Record<string, MessageKey>>;
  formError?: MessageKey;
  /** What was typed, shown again when refused. */
  values?: Record<string, string>;
  saved?: { changed: number };
  activation?: "deactivate" | "reactivate";
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const admin = requireRole(request, context, ["admin"]);
  const userId = idParam(params, "userId");
  const account = await orErrorPage(readEditableAccount(context.db, admin, userId));
  const refused = (error: unknown, values?: Record<string, string>) => {
    if (!(error instanceof DomainError)) throw error;
    const field = typeof error.detail?.field === "string" ? error.detail.field : null;
    return json<ActionData>(
      field ? { errors: { [field]: error.messageKey }, formError: "error.form", values } : { errors: {}, formError: error.messageKey, values },
      { status: error.status },
    );
  };
  if ((await request.clone().formData()).has("intent")) {
    const parsed = await parseForm(request, activationForm);
    if (!parsed.ok) return json<ActionData>({ errors: {}, formError: "error.form" }, { status: 400 });
    try {
      await setAccountActive(context.db, admin, { userId, active: parsed.data.intent === "reactivate" }, context.clientAddress);
    } catch (error) {
      return refused(error);
    }
    return json<ActionData>({ errors: {}, activation: parsed.data.intent });
  }
  if (account.doctor) {
    const parsed = await parseForm(request, doctorEditForm);
    if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, formError: "error.form", values: parsed.values }, { status: 400 });
    try {
      const { changed } = await updateAccount(context.db, admin, userId, { kind: "doctor", ...parsed.data }, context.clientAddress);
      return json<ActionData>({ errors: {}, saved: { changed: changed.length } });
    } catch (error) {
      return refused(error, parsed.values);
    }
  }
  const parsed = await parseForm(request, personEditForm);
  if (!parsed.ok) return json<ActionData>({ errors: parsed.errors, formError: "error.form", values: parsed.values }, { status: 400 });
  try {
    const { changed } = await updateAccount(context.db, admin, userId, { kind: "person", ...parsed.data }, context.clientAddress);
    return json<ActionData>({ errors: {}, saved: { changed: changed.length } });
  } catch (error) {
    return refused(error, parsed.values);
  }
}

export default function EditAccount() {
  const t = useT();
  const { locale } = useViewer();
  const { account, values: stored, mayChangeActivation, doctorId, departments } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  // A refused form shows what was typed; otherwise what is stored.
  const value = (field: string) => data?.values?.[field] ?? (stored as Record<string, string>)[field] ?? "";
  const error = (field: string) => data?.errors[field] ?? null;
  return (
    <main id="main" className="page page--narrow">
      <p>
        <Link to="/admin/users">← {t("admin.backToUsers")}</Link>
      </p>
      <h1>{t("admin.editHeading")}</h1>
      <p className="lead">
        {account.displayName} · {account.email} · {t(`role.${account.role}`)}
        {doctorId ? (
          <>
            {" · "}
            <Link to={`/doctors/${doctorId}`}>{t("admin.viewProfile")}</Link>
          </>
        ) : null}
      </p>
      {data?.saved ? (
        <p className="notice" role="status">
          {t(data.saved.changed > 0 ? "admin.saved" : "admin.nothingChanged")}
        </p>
      ) : null}
      {data?.activation ? (
        <p className="notice" role="status">
          {t(data.activation === "deactivate" ? "admin.deactivatedNotice" : "admin.reactivatedNotice", { email: account.email })}
        </p>
      ) : null}
      <Form method="post" className="card form" noValidate aria-labelledby="profile-heading">
        <h2 id="profile-heading">{t("admin.profileHeading")}</h2>
        <FormError error={data?.formError} />
        {doctorId ? (
          <>
            <Field label={t("admin.nameZh")} name="nameZh" defaultValue={value("nameZh")} required error={error("nameZh")} />
            <Field label={t("admin.nameEn")} name="nameEn" defaultValue={value("nameEn")} required error={error("nameEn")} />
            <SelectField label={t("admin.department")} name="departmentId" defaultValue={value("departmentId")} error={error("departmentId")}>
              {departments.map((d) => (
                <option key={d.id} value={d.id}>
                  {pick(locale, d.nameZh, d.nameEn)}
                </option>
              ))}
            </SelectField>
            <SelectField label={t("admin.title")} name="title" defaultValue={value("title")} error={error("title")}>
              {DOCTOR_TITLES.map((title) => (
                <option key={title} value={title}>
                  {t(`title.${title}`)}
                </option>
              ))}
            </SelectField>
            <TextArea
              label={t("admin.specialties")}
              name="specialties"
              rows={5}
              defaultValue={value("specialties")}
              hint={t("admin.specialtiesHint")}
              error={error("specialties")}
            />
            <Field
              label={t("admin.languages")}
              name="languages"
              defaultValue={value("languages")}
              hint={t("admin.languagesHint")}
              required
              error={error("languages")}
            />
            <TextArea label={t("admin.bioZh")} name="bioZh" rows={4} defaultValue={value("bioZh")} error={error("bioZh")} />
            <TextArea label={t("admin.bioEn")} name="bioEn" rows={4} defaultValue={value("bioEn")} error={error("bioEn")} />
            <Field
              label={t("admin.minutes")}
              name="defaultConsultationMinutes"
              type="number"
              min={5}
              max={120}
              inputMode="numeric"
              defaultValue={value("defaultConsultationMinutes")}
              required
              error={error("defaultConsultationMinutes")}
            />
          </>
        ) : (
          <Field label={t("admin.displayName")} name="displayName" defaultValue={value("displayName")} required error={error("displayName")} />
        )}
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {t("admin.save")}
        </button>
      </Form>
      {mayChangeActivation ? (
        <section className="card" aria-labelledby="sign-in-heading">
          <h2 id="sign-in-heading">{t("admin.accountHeading")}</h2>
          <p>{t(account.deactivated ? "admin.accountDeactivated" : "admin.accountActive")}</p>
          {account.deactivated ? (
            <Form method="post">
              <input type="hidden" name="intent" value="reactivate" />
              <button type="submit" className="button button--small" disabled={busy}>
                {t("admin.reactivate")}
              </button>
            </Form>
          ) : (
            <ConfirmAction
              summary={t("admin.deactivate")}
              text={t("admin.deactivateConfirm", { name: account.displayName })}
              intent="deactivate"
              userId={account.id}
              button={t("admin.deactivateButton")}
              busy={busy}
            />
          )}
        </section>
      ) : null}
    </main>
  );
}
