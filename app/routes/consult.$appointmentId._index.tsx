import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator, type ClientActionFunctionArgs, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { StatusBadge } from "~/components/appointment-card";
import { CallPanel, LiveCall } from "~/components/consultation/call-panel";
import { ChatPanel } from "~/components/consultation/chat-panel";
import { useAdmittedAlert } from "~/components/consultation/use-admitted-alert";
import { WaitEstimate } from "~/components/consultation/wait-estimate";
import { FormError } from "~/components/field";
import { CompanionInvite, ParticipantsSection } from "~/components/consultation/companion-invite";
import { useParticipantName } from "~/components/consultation/participant-name";
import { useMediaQuery } from "~/components/use-media-query";
import { isActive } from "~/features/booking/appointment-policy";
import { openRoomSocket, type RoomSocket } from "~/features/consultation/client/room-socket";
import { actOnRoom, readRoomPage } from "~/features/consultation/room-page.server";
import type { JoinMode } from "~/domain/vocabulary";
import type { AttachmentView } from "~/features/live/events";
import type { WaitingEntry } from "~/components/consultation/doctor-side";
import type { MessageKey } from "~/i18n";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime, pick } from "~/utils/format";
import { splitComponent, type PreloadHandle } from "~/utils/split-component";

// The doctor's side of the room (the patient, Admit and Finish visit, the waiting room, the note, the
// earlier visits): one chunk of its own, which a patient's phone never downloads. Fetched before the page
// renders for a doctor (see splitComponent).
const doctorSide = () => import("~/components/consultation/doctor-side");
const DoctorPatientCard = splitComponent(() => doctorSide().then((m) => m.DoctorPatientCard));
const DoctorWaitingList = splitComponent(() => doctorSide().then((m) => m.DoctorWaitingList));
const AdmitAwayConfirm = splitComponent(() => doctorSide().then((m) => m.AdmitAwayConfirm));
const NotesPanel = splitComponent(() => doctorSide().then((m) => m.NotesPanel));
const EarlierVisits = splitComponent(() => doctorSide().then((m) => m.EarlierVisits));
// The photos and files: beside the call for the doctor (fetched with their side); a patient's phone
// fetches them when "Photos and files" is opened.
const Attachments = splitComponent(() => import("~/components/attachments").then((m) => m.Attachments));
// Who takes part, with its invitations: fetched with the doctor's side, and before the page renders for
// anyone in a consultation that has participants. A patient alone with the doctor gets the invitation
// from the room's own code (companion-invite.tsx), and never this chunk.
const ParticipantsPanel = splitComponent(() => import("~/components/consultation/participants-panel").then((m) => m.ParticipantsPanel));
/** The guest link "Invite a companion" made, shown once by the participants panel. */
const companionLinkOf = (actionData: unknown) => (actionData as { companionLink?: string } | undefined)?.companionLink ?? null;
const ROOM_PARTS = [DoctorPatientCard, DoctorWaitingList, AdmitAwayConfirm, NotesPanel, EarlierVisits, Attachments, ParticipantsPanel, LiveCall];
/** The split parts this room's browser needs before it renders: all of them for the doctor; for others, what their data shows. */
const preloadRoomParts = (data: unknown, actionData?: unknown) => {
  const room = data as { role?: string; participants?: unknown[]; appointment?: { status?: string } } | undefined;
  if (room?.role === "doctor") return Promise.all(ROOM_PARTS.map((part) => part.preload()));
  // The call's code once the consultation is under way: the reload that Admit brings fetches it with the data.
  const wanted: Promise<void>[] = [];
  if (room?.appointment?.status === "in_consultation") wanted.push(LiveCall.preload());
  if (room?.participants?.length || companionLinkOf(actionData)) wanted.push(ParticipantsPanel.preload());
  return wanted.length ? Promise.all(wanted) : undefined;
};

export const handle: PreloadHandle = { preload: preloadRoomParts };

export async function loader(args: LoaderFunctionArgs) {
  const data = await readRoomPage(args);
  // The server renders whichever parts the page shows (a form posted without JavaScript included): all
  // their code at hand before the render, loaded once per process.
  await Promise.all(ROOM_PARTS.map((part) => part.preload()));
  return json(data, { headers: { "Cache-Control": "private, no-store" } });
}

/** A navigation to a room (another patient's, from the waiting list) brings the doctor's side with its data. */
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const data = await serverLoader<typeof loader>();
  await preloadRoomParts(data);
  return data;
}

export const action = (args: ActionFunctionArgs) => actOnRoom(args);

/** "Invite a companion" answers with a link the participants panel shows: its code comes with the answer. */
export async function clientAction({ serverAction }: ClientActionFunctionArgs) {
  const result = await serverAction<typeof action>();
  await preloadRoomParts(undefined, result);
  return result;
}

const CHECK_IN_LABEL: Record<JoinMode, MessageKey> = { video: "consult.checkIn", voice: "consult.checkInVoice", chat: "consult.checkInChat" };


/** The waiting room's order: appointment time, then check-in time (as the server's queue). */
const byQueueOrder = (a: WaitingEntry, b: WaitingEntry) =>
  a.startsAt.localeCompare(b.startsAt) || (a.checkedInAt ?? "").localeCompare(b.checkedInAt ?? "");

/** "Read again" from the server (a change without its queue, lost events) reloads after 1–3 s, spread out. */
const STALE_RELOAD_MS = 1_000;
const STALE_RELOAD_JITTER_MS = 2_000;

/**
 * The room's live socket, open while the window is and the appointment is active. What the socket
 * pushes is applied in place: a waiting patient's place in the queue, the doctor's waiting room. The
 * page reloads its data only when it must: when this appointment's status is not the one it shows (on
 * the socket's first open it compares; after a reconnect it reloads, since chat may have been missed),
 * when the server says it may have missed something (spread over 1–3 s, so that a whole waiting room
 * does not reload at once), and when the server ended the room (session over, window closed: the reload
 * shows why).
 */
function useRoomSocket(
  appointmentId: string,
  enabled: boolean,
  status: string,
  initial: {
    queue: { position: number | null; doctorBusy: boolean } | null;
    waiting: WaitingEntry[];
    chatCount: number;
    attachments: AttachmentView[];
  },
) {
  const [socket, setSocket] = useState<RoomSocket | null>(null);
  // The socket's listener outlives renders: it compares with the page's latest status.
  const statusRef = useRef(status);
  statusRef.current = status;
  const [queue, setQueue] = useState(initial.queue);
  const [waiting, setWaiting] = useState(initial.waiting);
  const [attachments, setAttachments] = useState(initial.attachments);
  // The doctor removed this person from the consultation: the socket is closed for good, the call stops.
  const [removed, setRemoved] = useState(false);
  const removedRef = useRef(false);
  // Fresh data from a reload replaces what was pushed before it.
  useEffect(() => setQueue(initial.queue), [initial.queue]);
  useEffect(() => setWaiting(initial.waiting), [initial.waiting]);
  useEffect(() => setAttachments(initial.attachments), [initial.attachments]);
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  useEffect(() => {
    if (!enabled) return;
    let queued: ReturnType<typeof setTimeout> | undefined;
    const reloadNow = () => {
      clearTimeout(queued);
      queued = undefined;
      revalidate.current();
    };
    const opened = openRoomSocket(
      appointmentId,
      (state) => {
        // A removed person's page keeps saying so (a reload would only find the room gone).
        if (state === "ended" && !removedRef.current) reloadNow();
      },
      initial.chatCount,
    );
    setSocket(opened);
    let opens = 0;
    const unsubscribe = opened.subscribe((message) => {
      switch (message.type) {
        case "ready":
          // First open: the page was just read, so only a different status needs a reload. A reconnect
          // reloads whatever the status: chat may have arrived meanwhile.
          if (opens++ > 0 || message.status !== statusRef.current || message.missedChat) reloadNow();
          return;
        case "changed":
          if (message.status !== statusRef.current) reloadNow();
          return;
        case "stale":
          queued ??= setTimeout(reloadNow, STALE_RELOAD_MS + Math.random() * STALE_RELOAD_JITTER_MS);
          return;
        case "participants":
          reloadNow();
          return;
        case "removed":
          removedRef.current = true;
          setRemoved(true);
          return;
        case "queue":
          setQueue({ position: message.position, doctorBusy: message.inCall });
          return;
        case "attachment":
          setAttachments((list) => (list.some((a) => a.id === message.attachment.id) ? list : [...list, message.attachment]));
          return;
        case "appointment": {
          const { entry } = message;
          setWaiting((list) => {
            const others = list.filter((w) => w.appointmentId !== message.appointmentId);
            if (message.status !== "checked_in" || !entry) return others;
            const updated = {
              appointmentId: message.appointmentId,
              patientName: entry.patientName,
              reason: entry.reason ?? "",
              startsAt: entry.startsAt,
              checkedInAt: entry.checkedInAt,
              joinMode: entry.joinMode ?? null,
            };
            return [...others, updated].sort(byQueueOrder);
          });
          return;
        }
      }
    });
    return () => {
      clearTimeout(queued);
      unsubscribe();
      opened.close();
      setSocket(null);
    };
  }, [appointmentId, enabled]);
  return { socket: removed ? null : socket, queue, waiting, attachments, removed };
}
/**
 * The patient's call on a phone (a narrow screen, in a call): the call fills the screen, and the chat is
 * behind a button that counts the messages that arrived while it was hidden. Doctors keep the room's
 * layout on any screen: their note is beside the call.
 */
function usePhoneCall(patientInCall: boolean) {
  const narrow = useMediaQuery("(max-width: 640px)");
  const on = patientInCall && narrow;
  const [chatOpen, setChatOpen] = useState(false);
  const [unread, setUnread] = useState(0);
  const hidden = useRef(true);
  hidden.current = !(on && chatOpen);
  return {
    on,
    chatOpen: on && chatOpen,
    unread,
    openChat: () => {
      setChatOpen(true);
      setUnread(0);
    },
    closeChat: () => setChatOpen(false),
    onIncoming: () => {
      if (hidden.current) setUnread((n) => n + 1);
    },
  };
}

/**
 * The patient's photos and files in the room: "Photos and files (n)", whose content (and its code) comes
 * when opened, so that a phone's room stays light. Rendered only once open, on both sides of hydration,
 * so that the server's HTML and the browser's first render agree.
 */
function PatientFiles(props: { appointmentId: string; items: AttachmentView[]; mayAttach: boolean }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <details className="card room-files" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        {t("attachments.heading")}
        {props.items.length > 0 ? ` (${props.items.length})` : ""}
      </summary>
      {open ? <Attachments {...props} /> : null}
    </details>
  );
}

export default function ConsultationRoom() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { formError?: MessageKey; detail?: { away?: { since: string | null } } } | undefined;
  const busy = useNavigation().state !== "idle";
  const { appointment: a, role } = data;
  const active = isActive(a.status);
  const { socket, queue, waiting, attachments, removed } = useRoomSocket(a.id, data.inWindow && active, a.status, {
    queue: data.queue,
    waiting: data.waiting,
    chatCount: data.chat.length,
    attachments: data.attachments,
  });
  const doctorName = `${pick(locale, a.doctor.nameZh, a.doctor.nameEn)} ${t(`title.${a.doctor.title}`)}`;
  const time = (iso: string) => formatDateTime(iso, locale, timeZone, { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  // An invited participant is in the call once admitted (a colleague is when invited; a companion when the doctor lets them in).
  const admitted = data.participantStatus === null || data.participantStatus === "admitted";
  const inCall = a.status === "in_consultation" && data.inWindow && admitted && !removed;
  const participantName = useParticipantName();
  const names: Record<string, string> = { doctor: doctorName, patient: a.patientName };
  for (const p of data.participants) names[p.peer] = participantName(p);
  const actionLink = companionLinkOf(actionData);
  // How this device can join (the camera check finds out): checking in says so to the doctor.
  const [deviceJoinMode, setDeviceJoinMode] = useState<JoinMode>("video");
  const admittedAlert = useAdmittedAlert(role === "patient" ? a.status : "", t("consult.admittedTitle", { app: t("app.name") }));
  const phoneCall = usePhoneCall(role === "patient" && inCall);
  // The patient's, beside the chat (on a phone in a call, in the chat's sheet).
  const patientFiles =
    attachments.length > 0 || data.mayAttach ? <PatientFiles appointmentId={a.id} items={attachments} mayAttach={data.mayAttach} /> : null;
  // Who takes part: under the call for the doctor (the side holds the chat and the note), beside the chat
  // for everyone else. The panel's code is preloaded for the doctor and for a consultation with
  // participants (see preloadRoomParts); a patient with nobody else in it gets only the invitation.
  const participantsPanel =
    role === "doctor" || data.participants.length > 0 || actionLink ? (
      <ParticipantsPanel
        role={role}
        participants={data.participants}
        colleagues={data.colleagues}
        mayInviteColleague={data.mayInviteColleague}
        mayInviteCompanion={data.mayInviteCompanion}
        companionLink={actionLink}
        busy={busy}
      />
    ) : data.mayInviteCompanion ? (
      <ParticipantsSection>
        <CompanionInvite busy={busy} />
      </ParticipantsSection>
    ) : null;
  const mainClass = ["page page--wide consult", inCall && "consult--live", phoneCall.on && "consult--phone-call", phoneCall.chatOpen && "consult--chat-open"];

  return (
    <main id="main" className={mainClass.filter(Boolean).join(" ")} data-admitted-alert={admittedAlert}>
      <header className="consult__header">
        <h1>
          {t("consult.heading")} <StatusBadge status={a.status} />
        </h1>
        <p className="lead">
          {t("consult.with", { doctor: doctorName, department: pick(locale, a.department.nameZh, a.department.nameEn) })} ·{" "}
          {time(a.startsAt)}
          {role === "doctor" ? <> · {t("consult.patientLabel", { name: a.patientName })}</> : null}
        </p>
      </header>
      {actionData?.detail?.away ? (
        <AdmitAwayConfirm patientName={a.patientName} since={actionData.detail.away.since} busy={busy} />
      ) : (
        <FormError error={actionData?.formError} />
      )}

      {removed ? (
        <section className="card notice removed-notice">
          <p role="alert">{t("participants.youWereRemoved")}</p>
          {role === "colleague" ? (
            <Link className="button" to="/doctor/today">
              {t("nav.today")}
            </Link>
          ) : null}
        </section>
      ) : null}
      {!removed && data.participantStatus === "waiting" && active && data.inWindow ? (
        <section className="card waiting" aria-live="polite">
          <h2>{t("participants.waitingToBeLetIn", { doctor: doctorName })}</h2>
          <p className="muted">{t("participants.waitingHint")}</p>
        </section>
      ) : null}
      {!removed && data.participantStatus === "admitted" && a.status !== "in_consultation" && active && data.inWindow ? (
        <p className="card notice">{t("participants.callNotStarted")}</p>
      ) : null}
      {!data.inWindow && active ? (
        <p className="card notice">
          {new Date(data.now) < new Date(data.window.opensAt)
            ? t("consult.opensAt", { time: time(data.window.opensAt) })
            : t("consult.closed", { time: time(data.window.closesAt) })}
        </p>
      ) : null}
      {a.status === "completed" && role !== "patient" ? <p className="card notice">{t("consult.ended")}</p> : null}
      {a.status === "completed" && role === "patient" ? (
        <section className="card notice visit-ended">
          <p>
            {t("consult.ended")} {data.summaryReady ? t("consult.summaryReady") : t("consult.summaryComing")}
          </p>
          <Link className="button button--primary" to={data.summaryReady ? `/appointments/${a.id}#summary` : `/appointments/${a.id}`}>
            {data.summaryReady ? t("consult.readSummary") : t("consult.toAppointment")}
          </Link>
        </section>
      ) : null}
      {a.status === "cancelled" ? <p className="card notice">{t("consult.cancelled")}</p> : null}
      {a.status === "no_show" ? <p className="card notice">{t("consult.noShow")}</p> : null}

      {removed ? null : (
        <div className="consult__layout">
          <div className="consult__main">
            {data.steps.checkIn ? (
              <section className="card">
                <p>{t("consult.checkInLead")}</p>
                {deviceJoinMode === "chat" ? <p className="muted">{t("call.chatOnly")}</p> : null}
                <Form method="post" replace>
                  {deviceJoinMode !== "video" ? <input type="hidden" name="joinMode" value={deviceJoinMode} /> : null}
                  <button type="submit" name="intent" value="checkIn" className="button button--primary button--block" disabled={busy}>
                    {t(CHECK_IN_LABEL[deviceJoinMode])}
                  </button>
                </Form>
              </section>
            ) : null}
            {role === "patient" && a.status === "checked_in" ? (
              <section className="card waiting" aria-live="polite">
                <h2>{t("consult.waitingFor", { doctor: doctorName })}</h2>
                {queue?.position ? <p className="waiting__position">{t("consult.queuePosition", { position: queue.position })}</p> : null}
                {queue?.position && data.pace ? <WaitEstimate position={queue.position} doctorBusy={queue.doctorBusy} pace={data.pace} now={data.now} /> : null}
                {queue?.doctorBusy ? <p>{t("consult.doctorBusy")}</p> : null}
                <p className="muted">{t("consult.waitingHint")}</p>
              </section>
            ) : null}
            {role === "doctor" ? <DoctorPatientCard appointment={a} record={data.record} steps={data.steps} inWindow={data.inWindow} busy={busy} /> : null}

            {data.inWindow && active && !removed ? (
              <CallPanel
                appointmentId={a.id}
                role={role}
                self={data.peer}
                names={names}
                socket={socket}
                inCall={inCall}
                onJoinMode={setDeviceJoinMode}
                phone={phoneCall.on ? { chatUnread: phoneCall.unread, onOpenChat: phoneCall.openChat } : undefined}
              />
            ) : null}
            {/* The doctor's, under the call (the side holds the chat and the note). */}
            {role === "doctor" ? participantsPanel : null}
            {role === "doctor" && (attachments.length > 0 || data.mayAttach) ? (
              <Attachments appointmentId={a.id} items={attachments} mayAttach={data.mayAttach} attachLabel="attachments.attachToSummary" />
            ) : null}
          </div>

          <aside className="consult__side">
            {role !== "doctor" ? participantsPanel : null}
            {role === "doctor" ? <DoctorWaitingList waiting={waiting} currentId={a.id} now={data.now} time={time} /> : null}
            {data.inWindow || data.chat.length > 0 ? (
              // On a phone in a call, a sheet over the call's lower part when "Chat" is pressed.
              <div className="chat-sheet">
                {phoneCall.chatOpen ? (
                  <button type="button" className="button button--primary chat-sheet__back" onClick={phoneCall.closeChat}>
                    {t("call.backToCall")}
                  </button>
                ) : null}
                <ChatPanel
                  appointmentId={data.appointment.id}
                  initial={data.chat}
                  socket={socket}
                  role={role}
                  canSend={Boolean(socket) && active}
                  onIncoming={phoneCall.onIncoming}
                />
                {role === "patient" ? patientFiles : null}
              </div>
            ) : role === "patient" ? (
              patientFiles
            ) : null}
            {role === "doctor" && data.note ? <NotesPanel key={a.id} appointmentId={a.id} initial={data.note} visitOver={a.status === "completed"} /> : null}
            {data.record ? <EarlierVisits visits={data.record.earlierVisits} /> : null}
          </aside>
        </div>
      )}
    </main>
  );
}
