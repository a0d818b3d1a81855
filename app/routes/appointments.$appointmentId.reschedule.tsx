import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError } from "~/components/field";
import { AlternativeSlots, ConfirmChange, TimePicker, changeWording } from "~/components/time-picker";
import { requireUser } from "~/features/auth/guards.server";
import { getAppointment } from "~/features/booking/appointment-access.server";
import { rescheduleAppointment } from "~/features/booking/change-appointment.server";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { pickerQuery, rescheduleForm } from "~/features/booking/schemas.server";
import { timePicker } from "~/features/booking/time-picker";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { orErrorPage } from "~/utils/domain-response.server";
import { DomainError } from "~/utils/errors";
import { formatDateTime, pick } from "~/utils/format";
import { parseForm } from "~/utils/forms.server";
import { idParam } from "~/utils/route-params.server";
import { localDateOf } from "~/utils/zoned-time";

function appointmentId(params: { appointmentId?: string }) {
  const id = idParam(params, "appointmentId");
  return id;
}

/**
 * Choosing a time only asks (`?start=`: "Move from 14:45 to 14:30?"); the question's Confirm posts, and
 * only that moves the appointment. Without JavaScript the same two steps are a GET and a POST.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireUser(request, context);
  if (user.role === "doctor") throw new Response("Forbidden", { status: 403 });
  const appointment = await orErrorPage(getAppointment(context.db, user, appointmentId(params)));
  const query = pickerQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const policy = await getBookingPolicy(context.db);
  const now = new Date();
  const slots = await context.slots.slotsOf(appointment.doctor.id, policy, now);
  const chosen = query.start ? slots.find((slot) => slot.start.getTime() === query.start!.getTime()) : undefined;
  const day = query.day ?? (query.start ? localDateOf(query.start, context.timeZone) : undefined);
  return json({
    appointment: {
      id: appointment.id,
      startsAt: appointment.startsAt.toISOString(),
      doctor: appointment.doctor,
      department: appointment.department,
    },
    clinicTimeZone: policy.timeZone,
    picker: timePicker(slots, { timeZone: context.timeZone, now, horizonDays: policy.bookingHorizonDays, day }),
    /** The time chosen, to ask about; a chosen time no longer free is said so above the picker instead. */
    chosen: chosen ? { start: chosen.start.toISOString(), end: chosen.end.toISOString() } : null,
    chosenTaken: query.start !== undefined && !chosen,
  });
}

type ActionData = { formError?: MessageKey; alternatives?: { start: string; end: string }[] };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = requireUser(request, context);
  const id = appointmentId(params);
  const parsed = await parseForm(request, rescheduleForm);
  if (!parsed.ok) return json<ActionData>({ formError: "error.slotInvalid" }, { status: 400 });
  try {
    await rescheduleAppointment(context.db, user, { appointmentId: id, startsAt: parsed.data.start }, new Date(), {
      clientAddress: context.clientAddress,
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.status === 404) throw new Response("Not found", { status: 404 });
    return json<ActionData>(
      { formError: error.messageKey, alternatives: error.detail?.alternatives as ActionData["alternatives"] },
      { status: error.status },
    );
  }
  return redirect(`/appointments/${id}?rescheduled=1`);
}

export default function Reschedule() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { appointment: a, clinicTimeZone, picker, chosen, chosenTaken } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const dayHref = (date: string) => `/appointments/${a.id}/reschedule?day=${date}`;
  const formError = data?.formError ?? (chosenTaken ? "booking.slotTaken" : undefined);
  const alternatives = data?.alternatives ?? [];
  const asking = chosen && !data?.formError;
  return (
    <main id="main" className="page">
      <p>
        <Link to={`/appointments/${a.id}`}>← {t("appointment.heading")}</Link>
      </p>
      <h1>{t(asking ? "reschedule.confirmHeading" : "reschedule.heading")}</h1>
      <p className="lead">
        {pick(locale, a.doctor.nameZh, a.doctor.nameEn)} · {pick(locale, a.department.nameZh, a.department.nameEn)}
        <br />
        {t("reschedule.current", {
          time: formatDateTime(a.startsAt, locale, timeZone, { weekday: "long", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" }),
        })}
      </p>
      {asking ? (
        <MoveQuestion from={a.startsAt} to={chosen.start} clinicTimeZone={clinicTimeZone} busy={busy} back={dayHref(localDateOf(Date.parse(chosen.start), timeZone))} />
      ) : (
        <>
          <FormError error={formError} />
          {/* A time chosen here is asked about first: these forms only change the address. */}
          <Form method="get" preventScrollReset>
            <AlternativeSlots alternatives={alternatives} name="start" disabled={busy} />
          </Form>
          <Form method="get" preventScrollReset>
            {picker.day ? <input type="hidden" name="day" value={picker.day} /> : null}
            <TimePicker
              picker={picker}
              clinicTimeZone={clinicTimeZone}
              dayHref={dayHref}
              renderSlot={(slot, label) => (
                <button type="submit" name="start" value={slot.start} className="slot" disabled={busy}>
                  {label}
                </button>
              )}
            />
          </Form>
        </>
      )}
    </main>
  );
}

/** "Move from 14:45 to 14:30?", Confirm (the post that moves it) and the way back to the day's times. */
function MoveQuestion({ from, to, clinicTimeZone, busy, back }: { from: string; to: string; clinicTimeZone: string; busy: boolean; back: string }) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const words = changeWording(from, to, locale, timeZone);
  const clinicTime = formatDateTime(to, locale, clinicTimeZone, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const differs = clinicTime !== formatDateTime(to, locale, timeZone, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
  return (
    <Form method="post">
      <input type="hidden" name="start" value={to} />
      <ConfirmChange
        question={t("reschedule.confirmQuestion", { from: words.from, to: words.to })}
        detail={[words.day, differs ? t("doctor.clinicTime", { time: clinicTime }) : null].filter(Boolean).join(" · ") || null}
        confirm={
          <button type="submit" className="button button--primary" disabled={busy}>
            {t("picker.confirm")}
          </button>
        }
        back={
          <Link to={back} className="button" preventScrollReset>
            {t("book.chooseAnother")}
          </Link>
        }
      />
    </Form>
  );
}
