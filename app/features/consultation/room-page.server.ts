/**
 * The consultation room page's server side: who may open it, what it reads, what its forms do. The route
 * (`routes/consult.$appointmentId._index.tsx`) renders it. One module for the page, because the browser's
 * build leaves an empty chunk behind for every server module a page imports: a patient's phone fetched
 * nine of them for this page, each a request of its own on a slow network.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { requireUser } from "~/features/auth/guards.server";
import { isActive, mayTakeStep, type ConsultationStep } from "~/features/booking/appointment-policy";
import { openNote, withSignedSummary } from "~/features/consult-notes/notes.server";
import { participantAction, roomAction } from "~/features/consult-notes/schemas.server";
import { readPatientRecord } from "~/features/patient-record/patient-record.server";
import { mayViewPatientRecord } from "~/features/patient-record/record-policy";
import type { MessageKey } from "~/i18n";
import { failure, orErrorPage } from "~/utils/domain-response.server";
import { idParam } from "~/utils/route-params.server";
import { listAttachments } from "~/features/attachments/attachments.server";
import { mayAttach } from "~/features/attachments/attachment-policy";
import { listChat } from "./chat.server";
import { changeRoomState, getRoomAccess, listWaiting, queueState } from "./room.server";
import { mayInvite } from "./participant-policy";
import { colleagueChoices, inviteColleague, inviteCompanion, listParticipants, manageParticipant } from "./participants.server";
import { readDoctorPace } from "./wait-estimate.server";

/** What the room shows this person now: the appointment, the steps they may take, the queue or the waiting room, chat, and for its doctor the note and the patient's record. */
export async function readRoomPage({ request, params, context }: LoaderFunctionArgs) {
  const user = requireUser(request, context);
  const id = idParam(params, "appointmentId");
  const now = new Date();
  const access = await orErrorPage(getRoomAccess(context.db, user, id, now));
  const a = access.appointment;
  const own = access.participant === null;
  const [chat, attachments, queue, pace, waiting, note, summaries, record, participants, colleagues] = await Promise.all([
    listChat(context.db, a),
    // The files are the patient's and the doctor's alone (attachment-policy.ts).
    own ? listAttachments(context.db, a.id) : ([] as Awaited<ReturnType<typeof listAttachments>>),
    access.role === "patient" && a.status === "checked_in" ? queueState(context.db, a) : null,
    access.role === "patient" && a.status === "checked_in" ? readDoctorPace(context.db, a, access.settings, now) : null,
    access.role === "doctor" ? listWaiting(context.db, a.doctorId) : [],
    access.role === "doctor" ? openNote(context.db, user, a.id, { clientAddress: context.clientAddress }) : null,
    // After the visit the patient is led to its summary, once the doctor has signed it.
    access.role === "patient" && a.status === "completed" ? withSignedSummary(context.db, [a.id]) : null,
    // Who the patient is (profile, earlier visits): the appointment's doctor only, audited.
    mayViewPatientRecord(access.role) ? readPatientRecord(context.db, user, access, { clientAddress: context.clientAddress, now }) : null,
    listParticipants(context.db, a.id),
    access.role === "doctor" && isActive(a.status) ? colleagueChoices(context.db, user.id) : ([] as Awaited<ReturnType<typeof colleagueChoices>>),
  ]);
  const by = access.role === "patient" || access.role === "doctor" ? access.role : null;
  const may = (step: ConsultationStep) => mayTakeStep(step, a, user, access.settings, now).allowed;
  return {
    role: access.role,
    peer: access.peer,
    /** An invited participant's own place (waiting for the doctor, admitted); null for the patient and the doctor. */
    participantStatus: access.participant?.status ?? null,
    participants,
    colleagues,
    mayInviteColleague: mayInvite(by, "colleague", a, participants).allowed,
    mayInviteCompanion: mayInvite(by, "companion", a, participants).allowed,
    // The steps this user may take now (the page offers these buttons only).
    steps: { checkIn: may("checkIn"), admit: may("admit"), end: may("end"), noShow: may("noShow") },
    now: now.toISOString(),
    window: { opensAt: access.window.opensAt.toISOString(), closesAt: access.window.closesAt.toISOString() },
    inWindow: access.inWindow,
    appointment: {
      id: a.id,
      status: a.status,
      startsAt: a.startsAt.toISOString(),
      endsAt: a.endsAt.toISOString(),
      reason: a.reason,
      symptoms: a.symptoms,
      patientName: a.patientName,
      doctor: { nameZh: a.doctorNameZh, nameEn: a.doctorNameEn, title: a.doctorTitle },
      department: { nameZh: a.departmentZh, nameEn: a.departmentEn },
      checkedInAt: a.checkedInAt?.toISOString() ?? null,
      joinMode: isActive(a.status) ? a.joinMode : null,
    },
    queue,
    pace,
    waiting: waiting.map((w) => ({
      appointmentId: w.appointmentId,
      patientName: w.patientName,
      reason: w.reason,
      startsAt: w.startsAt.toISOString(),
      checkedInAt: w.checkedInAt?.toISOString() ?? null,
      joinMode: w.joinMode,
    })),
    chat,
    attachments,
    mayAttach: own && mayAttach(user, a, attachments.length).allowed,
    note,
    summaryReady: summaries?.has(a.id) ?? false,
    record,
  };
}

/**
 * The room's buttons (check in, admit, finish, no-show; invite, admit or remove a participant): the
 * change, then the room again; a refusal is a 4xx with its message. A companion's guest link is answered
 * once, to show (only its hash is kept).
 */
export async function actOnRoom({ request, params, context }: ActionFunctionArgs) {
  const user = requireUser(request, context);
  const id = idParam(params, "appointmentId");
  const form = Object.fromEntries(await request.formData());
  const people = participantAction.safeParse(form);
  if (people.success) {
    const ctx = { clientAddress: context.clientAddress };
    try {
      const action = people.data;
      switch (action.intent) {
        case "inviteColleague":
          await inviteColleague(context.db, user, id, action.doctorId, ctx);
          break;
        case "inviteCompanion": {
          const token = await inviteCompanion(context.db, user, id, ctx);
          return json({ companionLink: `${new URL(request.url).origin}/guest/${token}` }, { headers: { "Cache-Control": "no-store" } });
        }
        default:
          await manageParticipant(context.db, user, id, action.participantId, action.intent === "admitParticipant" ? "admit" : "remove", ctx);
      }
    } catch (error) {
      return failure(error);
    }
    return redirect(`/consult/${id}`);
  }
  const parsed = roomAction.safeParse(form);
  if (!parsed.success) return json({ formError: "error.form" as MessageKey }, { status: 400 });
  try {
    await changeRoomState(context.db, user, id, parsed.data.intent, {
      clientAddress: context.clientAddress,
      warnIfAway: !parsed.data.confirmAway,
      joinMode: parsed.data.joinMode,
    });
  } catch (error) {
    return failure(error);
  }
  return redirect(`/consult/${id}`);
}
