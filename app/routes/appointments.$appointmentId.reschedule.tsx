import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError } from "~/components/field";
import { AlternativeSlots, SlotList } from "~/components/slot-list";
import { requireUser } from "~/features/auth/guards.server";
import { getAppointment } from "~/features/booking/appointment-access.server";
import { rescheduleAppointment } from "~/features/booking/change-appointment.server";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { rescheduleForm } from "~/features/booking/schemas.server";
import { slotsByDay } from "~/features/booking/slot-days";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { orErrorPage } from "~/utils/domain-response.server";
import { DomainError } from "~/utils/errors";
import { formatDateTime, pick } from "~/utils/format";
import { parseForm } from "~/utils/forms.server";
import { idParam } from "~/utils/route-params.server";

const SHOWN_DAYS = 14;

function appointmentId(params: { appointmentId?: string }) {
  const id = idParam(params, "appointmentId");
  return id;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireUser(request, context);
  if (user.role === "doctor") throw new Response("Forbidden", { status: 403 });
  const appointment = await orErrorPage(getAppointment(context.db, user, appointmentId(params)));
  const policy = await getBookingPolicy(context.db);
  const now = new Date();
  const slots = await context.slots.slotsOf(appointment.doctor.id, policy, now, new Date(now.getTime() + SHOWN_DAYS * 24 * 60 * 60_000));
  return json({
    appointment: {
      id: appointment.id,
      startsAt: appointment.startsAt.toISOString(),
      doctor: appointment.doctor,
      department: appointment.department,
    },
    clinicTimeZone: policy.timeZone,
    ...slotsByDay(slots, context.timeZone, new URL(request.url).searchParams.get("day")),
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
  const { appointment: a, clinicTimeZone, days, day, slots } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  return (
    <main id="main" className="page">
      <p>
        <Link to={`/appointments/${a.id}`}>← {t("appointment.heading")}</Link>
      </p>
      <h1>{t("reschedule.heading")}</h1>
      <p className="lead">
        {pick(locale, a.doctor.nameZh, a.doctor.nameEn)} · {pick(locale, a.department.nameZh, a.department.nameEn)}
        <br />
        {t("reschedule.current", {
          time: formatDateTime(a.startsAt, locale, timeZone, { weekday: "long", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" }),
        })}
      </p>
      <Form method="post">
        <FormError error={data?.formError} />
        <AlternativeSlots alternatives={data?.alternatives ?? []} disabled={busy} />
        <SlotList
          days={days}
          day={day}
          slots={slots}
          clinicTimeZone={clinicTimeZone}
          dayHref={(date) => `/appointments/${a.id}/reschedule?day=${date}`}
          renderSlot={(slot, label) => (
            <button type="submit" name="start" value={slot.start} className="slot" disabled={busy} title={t("reschedule.submit")}>
              {label}
            </button>
          )}
        />
      </Form>
    </main>
  );
}
