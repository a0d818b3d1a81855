import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { ConfirmAction } from "~/components/confirm-action";
import { Field, SelectField } from "~/components/field";
import { mayChangeActivation, mayCreateAccount, mayEditAccount, mayResetSecondFactor } from "~/features/accounts/account-rules";
import { setAccountActive } from "~/features/accounts/activation.server";
import { createAccount, EmailTakenError } from "~/features/accounts/create-account.server";
import { listUsers } from "~/features/accounts/list-users.server";
import { accountActionForm, hospitalAccountForm } from "~/features/accounts/schemas.server";
import { requireRole } from "~/features/auth/guards.server";
import { HOSPITAL_ROLES, mayUseSecondFactor } from "~/features/auth/roles";
import { resetSecondFactor } from "~/features/auth/second-factor.server";
import { listDepartments } from "~/features/directory/list-doctors.server";
import { DOCTOR_TITLES } from "~/domain/vocabulary";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime, pick } from "~/utils/format";
import { DomainError } from "~/utils/errors";
import { parseForm } from "~/utils/forms.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireRole(request, context, ["admin"]);
  const [users, departments] = await Promise.all([listUsers(context.db), listDepartments(context.db)]);
  return json({
    users: users.map((u) => ({
      ...u,
      mayChangeActivation: mayChangeActivation(admin, u),
      mayEdit: mayEditAccount(admin, u),
      mayResetSecondFactor: u.secondFactor && mayResetSecondFactor(admin, u),
    })),
    departments,
  });
}

type ActionData = {
  errors: Partial<Record<string, MessageKey>>;
  formError?: MessageKey;
  created?: string;
  done?: { intent: "deactivate" | "reactivate" | "resetSecondFactor"; userId: string };
};

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = requireRole(request, context, ["admin"]);
  const form = await request.clone().formData();
  // A form without an intent is the one that creates an account.
  if (form.has("intent")) {
    const parsed = await parseForm(request, accountActionForm);
    if (!parsed.ok) return json<ActionData>({ errors: {}, formError: "error.form" }, { status: 400 });
    const { intent, userId } = parsed.data;
    try {
      if (intent === "resetSecondFactor") await resetSecondFactor(context.db, admin, userId, context.clientAddress);
      else await setAccountActive(context.db, admin, { userId, active: intent === "reactivate" }, context.clientAddress);
    } catch (error) {
      if (error instanceof DomainError) return json<ActionData>({ errors: {}, formError: error.messageKey }, { status: error.status });
      throw error;
    }
    return json<ActionData>({ errors: {}, done: { intent, userId } });
  }
  const parsed = await parseForm(request, hospitalAccountForm);
  if (!parsed.ok) return json<ActionData>({ formError: "error.form", errors: parsed.errors }, { status: 400 });
  const input = parsed.data;
  if (!mayCreateAccount(admin, input.role)) return json<ActionData>({ errors: {}, formError: "error.forbidden" }, { status: 403 });
  try {
    await createAccount(
      context.db,
      { email: input.email, password: input.password, displayName: input.fullName, role: input.role },
      input.role === "doctor"
        ? { departmentId: input.departmentId, title: input.title, nameZh: input.fullName, nameEn: input.nameEn }
        : undefined,
      { actorId: admin.id, clientAddress: context.clientAddress, via: "admin_users" },
    );
  } catch (error) {
    if (error instanceof EmailTakenError) return json<ActionData>({ errors: { email: "error.emailTaken" } }, { status: 400 });
    throw error;
  }
  return json<ActionData>({ errors: {}, created: input.email });
}

const DONE_NOTICE = {
  deactivate: "admin.deactivatedNotice",
  reactivate: "admin.reactivatedNotice",
  resetSecondFactor: "admin.resetNotice",
} as const satisfies Record<string, MessageKey>;

export default function AdminUsers() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { users, departments } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [role, setRole] = useState<string>("doctor");
  const doneFor = data?.done ? users.find((u) => u.id === data.done!.userId) : undefined;
  return (
    <main id="main" className="page page--wide">
      <h1>{t("admin.usersHeading")}</h1>
      {data?.done && doneFor ? (
        <p className="notice" role="status">
          {t(DONE_NOTICE[data.done.intent], { email: doneFor.email })}
        </p>
      ) : null}
      {data?.formError ? (
        <p className="form-error" role="alert">
          {t(data.formError)}
        </p>
      ) : null}
      <section className="card">
        <h2>{t("admin.createHeading")}</h2>
        {data?.created ? (
          <p className="notice" role="status">
            {t("admin.created", { email: data.created })}
          </p>
        ) : null}
        <Form method="post" className="form form--grid" noValidate key={data?.created}>
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
              <th scope="col">{t("admin.columnStatus")}</th>
              <th scope="col">{t("admin.columnSecondFactor")}</th>
              <th scope="col">{t("admin.columnActions")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-user-id={u.id} className={u.deactivatedAt ? "table__row--inactive" : undefined}>
                <td>{u.displayName}</td>
                <td>{u.email}</td>
                <td>{t(`role.${u.role}`)}</td>
                <td>{formatDateTime(u.createdAt, locale, timeZone)}</td>
                <td>{u.deactivatedAt ? t("admin.deactivated") : t("admin.active")}</td>
                <td>{mayUseSecondFactor(u.role) ? t(u.secondFactor ? "admin.secondFactorOn" : "admin.secondFactorOff") : "—"}</td>
                <td>
                  <div className="account-actions">
                  {u.mayEdit ? (
                    <Link to={`/admin/users/${u.id}`} aria-label={t("admin.editLink", { name: u.displayName })}>
                      {t("admin.edit")}
                    </Link>
                  ) : null}
                  {u.mayChangeActivation && !u.deactivatedAt ? (
                    <ConfirmAction
                      summary={t("admin.deactivate")}
                      text={t("admin.deactivateConfirm", { name: u.displayName })}
                      intent="deactivate"
                      userId={u.id}
                      button={t("admin.deactivateButton")}
                      busy={busy}
                    />
                  ) : null}
                  {u.mayChangeActivation && u.deactivatedAt ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="reactivate" />
                      <input type="hidden" name="userId" value={u.id} />
                      <button type="submit" className="button button--small" disabled={busy}>
                        {t("admin.reactivate")}
                      </button>
                    </Form>
                  ) : null}
                  {u.mayResetSecondFactor ? (
                    <ConfirmAction
                      summary={t("admin.resetSecondFactor")}
                      text={t("admin.resetSecondFactorConfirm", { name: u.displayName })}
                      intent="resetSecondFactor"
                      userId={u.id}
                      button={t("admin.resetSecondFactorButton")}
                      busy={busy}
                    />
                  ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </main>
  );
}
