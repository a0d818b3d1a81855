import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FormError, SelectField } from "~/components/field";
import { requireRole } from "~/features/auth/guards.server";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import {
  addException,
  addRule,
  appointmentsOutsideHours,
  doctorForEditing,
  listAvailability,
  listDoctorsForPicker,
  removeException,
  removeRule,
} from "~/features/booking/manage-availability.server";
import { availabilityForm } from "~/features/booking/schemas.server";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { failure, orErrorPage } from "~/utils/domain-response.server";
import { formatDateTime, pick } from "~/utils/format";
import { parseForm } from "~/utils/forms.server";
import { localDateOf } from "~/utils/zoned-time";

const EDITORS = ["doctor", "staff", "admin"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireRole(request, context, EDITORS);
  const requested = new URL(request.url).searchParams.get("doctorId");
  const doctorId = await orErrorPage(doctorForEditing(context.db, user, requested));
  const [policy, availability, misfits, doctors] = await Promise.all([
    getBookingPolicy(context.db),
    listAvailability(context.db, doctorId),
    appointmentsOutsideHours(context.db, doctorId),
    user.role === "doctor" ? Promise.resolve([]) : listDoctorsForPicker(context.db),
  ]);
  return json({
    doctorId,
    doctors,
    clinicTimeZone: policy.timeZone,
    today: localDateOf(new Date(), policy.timeZone),
    rules: availability.rules,
    timeOff: availability.timeOff.map((e) => ({ id: e.id, startsAt: e.startsAt.toISOString(), endsAt: e.endsAt.toISOString(), note: e.note })),
    extra: availability.extra.map((e) => ({
      id: e.id,
      startsAt: e.startsAt.toISOString(),
      endsAt: e.endsAt.toISOString(),
      note: e.note,
      slotMinutes: e.slotMinutes,
    })),
    misfits: misfits.map((m) => ({ id: m.id, startsAt: m.startsAt.toISOString(), patientName: m.patientName })),
    canOpenAppointments: user.role !== "doctor",
  });
}

type ActionData = { ok: boolean; intent?: string; formError?: MessageKey; errors: Partial<Record<string, MessageKey>> };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requireRole(request, context, EDITORS);
  const requested = new URL(request.url).searchParams.get("doctorId");
  const parsed = await parseForm(request, availabilityForm);
  if (!parsed.ok) return json<ActionData>({ ok: false, errors: parsed.errors }, { status: 400 });
  const input = parsed.data;
  try {
    const doctorId = await doctorForEditing(context.db, user, requested);
    switch (input.intent) {
      case "addRule":
        await addRule(context.db, doctorId, {
          weekday: input.weekday,
          startMinute: input.start,
          endMinute: input.end,
          slotMinutes: input.slotMinutes,
          effectiveFrom: input.effectiveFrom,
          effectiveUntil: input.effectiveUntil ?? null,
        });
        break;
      case "removeRule":
        await removeRule(context.db, doctorId, input.id);
        break;
      case "removeException":
        await removeException(context.db, doctorId, input.id);
        break;
      case "addTimeOff":
      case "addExtra":
        await addException(context.db, doctorId, {
          kind: input.intent === "addTimeOff" ? "time_off" : "extra",
          startDate: input.startDate,
          endDate: input.endDate,
          startMinute: input.startTime ?? null,
          endMinute: input.endTime ?? null,
          slotMinutes: input.slotMinutes ?? null,
          note: input.note,
        });
        break;
    }
  } catch (error) {
    return failure(error);
  }
  return json<ActionData>({ ok: true, intent: input.intent, errors: {} });
}

function weekdayName(weekday: number, locale: string) {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" }).format(Date.UTC(2024, 0, weekday));
}

export default function Availability() {
  const t = useT();
  const { locale } = useViewer();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const zone = data.clinicTimeZone;
  const when = (iso: string) =>
    formatDateTime(iso, locale, zone, { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const errorsFor = (intent: string) => (result?.intent === intent || (!result?.ok && result) ? result?.errors ?? {} : {});
  const query = data.doctors.length ? `?doctorId=${data.doctorId}` : "";
  return (
    <main id="main" className="page page--wide" data-doctor-id={data.doctorId}>
      <h1>{t("availability.heading")}</h1>
      <p className="lead">{t("availability.lead", { timeZone: zone })}</p>

      {data.doctors.length > 0 ? (
        <Form method="get" className="filters">
          <SelectField label={t("availability.doctor")} name="doctorId" defaultValue={data.doctorId}>
            {data.doctors.map((d) => (
              <option key={d.id} value={d.id}>
                {pick(locale, d.nameZh, d.nameEn)}
              </option>
            ))}
          </SelectField>
          <button type="submit" className="button">
            {t("availability.show")}
          </button>
        </Form>
      ) : null}

      {result?.ok ? (
        <p className="notice" role="status">
          {t("availability.saved")}
        </p>
      ) : null}
      <FormError error={result?.formError ?? (result && !result.ok && Object.keys(result.errors).length ? "error.form" : null)} />

      {data.misfits.length > 0 ? (
        <section className="card card--warning" aria-live="polite">
          <h2>{t("availability.affected")}</h2>
          <ul className="plain-list">
            {data.misfits.map((m) => (
              <li key={m.id}>
                {data.canOpenAppointments ? <Link to={`/appointments/${m.id}`}>{when(m.startsAt)}</Link> : when(m.startsAt)} ·{" "}
                {m.patientName}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card">
        <h2>{t("availability.rules")}</h2>
        {data.rules.length === 0 ? <p className="muted">{t("availability.none")}</p> : null}
        <ul className="rule-list">
          {data.rules.map((r) => (
            <li key={r.id}>
              <span>
                <strong>{weekdayName(r.weekday, locale)}</strong> {r.start}–{r.end} ·{" "}
                {t("availability.slotsEvery", { minutes: r.slotMinutes })} · {r.effectiveFrom} →{" "}
                {r.effectiveUntil ?? t("availability.ongoing")}
              </span>
              <Form method="post" action={`/doctor/availability${query}`}>
                <input type="hidden" name="id" value={r.id} />
                <button type="submit" name="intent" value="removeRule" className="button button--quiet button--small" disabled={busy}>
                  {t("availability.remove")}
                </button>
              </Form>
            </li>
          ))}
        </ul>
        <Form method="post" action={`/doctor/availability${query}`} className="form form--inline" key={`rule-${data.rules.length}`}>
          <SelectField label={t("availability.weekday")} name="weekday" defaultValue="1" error={errorsFor("addRule").weekday}>
            {[1, 2, 3, 4, 5, 6, 7].map((d) => (
              <option key={d} value={d}>
                {weekdayName(d, locale)}
              </option>
            ))}
          </SelectField>
          <Field label={t("availability.start")} name="start" type="time" defaultValue="08:30" required error={errorsFor("addRule").start} />
          <Field label={t("availability.end")} name="end" type="time" defaultValue="11:30" required error={errorsFor("addRule").end} />
          <Field label={t("availability.slotMinutes")} name="slotMinutes" type="number" min={5} max={240} defaultValue="15" required error={errorsFor("addRule").slotMinutes} />
          <Field label={t("availability.effectiveFrom")} name="effectiveFrom" type="date" defaultValue={data.today} required error={errorsFor("addRule").effectiveFrom} />
          <Field label={t("availability.effectiveUntil")} name="effectiveUntil" type="date" error={errorsFor("addRule").effectiveUntil} />
          <button type="submit" name="intent" value="addRule" className="button button--primary" disabled={busy}>
            {t("availability.addRule")}
          </button>
        </Form>
      </section>

      <div className="two-columns">
        <ExceptionSection
          title={t("availability.timeOff")}
          empty={t("availability.noTimeOff")}
          items={data.timeOff}
          when={when}
          query={query}
          busy={busy}
        >
          <Field label={t("availability.startDate")} name="startDate" type="date" defaultValue={data.today} required error={errorsFor("addTimeOff").startDate} />
          <Field label={t("availability.endDate")} name="endDate" type="date" error={errorsFor("addTimeOff").endDate} />
          <Field label={t("availability.startTime")} name="startTime" type="time" error={errorsFor("addTimeOff").startTime} />
          <Field label={t("availability.endTime")} name="endTime" type="time" error={errorsFor("addTimeOff").endTime} />
          <Field label={t("availability.note")} name="note" maxLength={200} hint={t("availability.wholeDays")} />
          <button type="submit" name="intent" value="addTimeOff" className="button button--primary" disabled={busy}>
            {t("availability.addTimeOff")}
          </button>
        </ExceptionSection>
        <ExceptionSection
          title={t("availability.extra")}
          empty={t("availability.noExtra")}
          items={data.extra}
          when={when}
          query={query}
          busy={busy}
        >
          <Field label={t("availability.date")} name="startDate" type="date" defaultValue={data.today} required error={errorsFor("addExtra").startDate} />
          <Field label={t("availability.startTime")} name="startTime" type="time" defaultValue="18:00" required error={errorsFor("addExtra").startTime} />
          <Field label={t("availability.endTime")} name="endTime" type="time" defaultValue="20:00" required error={errorsFor("addExtra").endTime} />
          <Field label={t("availability.slotMinutes")} name="slotMinutes" type="number" min={5} max={240} defaultValue="15" required error={errorsFor("addExtra").slotMinutes} />
          <Field label={t("availability.note")} name="note" maxLength={200} />
          <button type="submit" name="intent" value="addExtra" className="button button--primary" disabled={busy}>
            {t("availability.addExtra")}
          </button>
        </ExceptionSection>
      </div>
    </main>
  );
}

function ExceptionSection({
  title,
  empty,
  items,
  when,
  query,
  busy,
  children,
}: {
  title: string;
  empty: string;
  items: { id: string; startsAt: string; endsAt: string; note: string }[];
  when: (iso: string) => string;
  query: string;
  busy: boolean;
  children: React.ReactNode;
}) {
  const t = useT();
  return (
    <section className="card">
      <h2>{title}</h2>
      {items.length === 0 ? <p className="muted">{empty}</p> : null}
      <ul className="rule-list">
        {items.map((e) => (
          <li key={e.id}>
            <span>
              {when(e.startsAt)} → {when(e.endsAt)}
              {e.note ? <span className="muted"> · {e.note}</span> : null}
            </span>
            <Form method="post" action={`/doctor/availability${query}`}>
              <input type="hidden" name="id" value={e.id} />
              <button type="submit" name="intent" value="removeException" className="button button--quiet button--small" disabled={busy}>
                {t("availability.remove")}
              </button>
            </Form>
          </li>
        ))}
      </ul>
      <Form method="post" action={`/doctor/availability${query}`} className="form form--inline" key={items.length}>
        {children}
      </Form>
    </section>
  );
}
