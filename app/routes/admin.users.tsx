import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Field, FormError, SelectField } from "~/components/field";
import { createAccount, EmailTakenError } from "~/features/accounts/create-account.server";
import { listUsers } from "~/features/accounts/list-users.server";
import { hospitalAccountForm } from "~/features/accounts/schemas.server";
import { requireRole } from "~/features/auth/guards.server";
import { HOSPITAL_ROLES } from "~/features/auth/roles";
import { listDepartments } from "~/features/directory/list-doctors.server";
import { DOCTOR_TITLES } from "~/features/directory/titles";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime, pick } from "~/utils/format";
import { parseForm } from "~/utils/forms.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context, ["admin"]);
  const [users, departments] = await Promise.all([listUsers(context.db), listDepartments(context.db)]);
  return json({ users, departments });
}

type ActionData = { errors: Partial<Record<string, MessageKey>>; created?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  requireRole(request, context, ["admin"]);
  const parsed = await parseForm(request, hospitalAccountForm);
  if (!parsed.ok) return json<ActionData>({ errors: { form: "error.form", ...parsed.errors } }, { status: 400 });
  const input = parsed.data;
  try {
    await createAccount(
      context.db,
      { email: input.email, password: input.password, displayName: input.fullName, role: input.role },
      input.role === "doctor"
        ? { departmentId: input.departmentId, title: input.title, nameZh: input.fullName, nameEn: input.nameEn }
        : undefined,
    );
  } catch (error) {
    if (error instanceof EmailTakenError) return json<ActionData>({ errors: { email: "error.emailTaken" } }, { status: 400 });
    throw error;
  }
  return json<ActionData>({ errors: {}, created: input.email });
}

export default function AdminUsers() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { users, departments } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [role, setRole] = useState<string>("doctor");
  return (
    <main id="main" className="page page--wide">
      <h1>{t("admin.usersHeading")}</h1>
      <section className="card">
        <h2>{t("admin.createHeading")}</h2>
        {data?.created ? (
          <p className="notice" role="status">
            {t("admin.created", { email: data.created })}
          </p>
        ) : null}
        <Form method="post" className="form form--grid" noValidate key={data?.created}>
          <FormError error={data?.errors.form} />
          <div className="field">
            <label htmlFor="role">{t("admin.role")}</label>
            <select id="role" name="role" value={role} onChange={(e) => setRole(e.target.value)}>
              {HOSPITAL_ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </div>
          <Field label={t("auth.fullName")} name="fullName" required error={data?.errors.fullName} />
          <Field label={t("auth.email")} name="email" type="email" required error={data?.errors.email} />
          <Field
            label={t("auth.password")}
            name="password"
            type="password"
            autoComplete="new-password"
            hint={t("auth.passwordHint")}
            required
            error={data?.errors.password}
          />
          {role === "doctor" ? (
            <>
              <Field label={t("admin.nameEn")} name="nameEn" required error={data?.errors.nameEn} />
              <SelectField label={t("admin.department")} name="departmentId" error={data?.errors.departmentId}>
                {departments.map((d) => (
                  <option key={d.id} value={d.id}>
                    {pick(locale, d.nameZh, d.nameEn)}
                  </option>
                ))}
              </SelectField>
              <SelectField label={t("admin.title")} name="title" error={data?.errors.title}>
                {DOCTOR_TITLES.map((title) => (
                  <option key={title} value={title}>
                    {t(`title.${title}`)}
                  </option>
                ))}
              </SelectField>
            </>
          ) : null}
          <button type="submit" className="button button--primary" disabled={busy}>
            {t("admin.create")}
          </button>
        </Form>
      </section>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("admin.columnName")}</th>
              <th scope="col">{t("admin.columnEmail")}</th>
              <th scope="col">{t("admin.columnRole")}</th>
              <th scope="col">{t("admin.columnCreated")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.displayName}</td>
                <td>{u.email}</td>
                <td>{t(`role.${u.role}`)}</td>
                <td>{formatDateTime(u.createdAt, locale, timeZone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </main>
  );
}
