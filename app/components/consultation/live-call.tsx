import { useEffect, useRef, type ReactNode } from "react";
import type { CallMedia, CallState, RemoteParty } from "~/features/consultation/client/call";
import type { Participant } from "~/features/live/events";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { LevelMeter } from "./device-controls";
import { SelfView, showTracks } from "./self-view";
import { useCall } from "./use-call";

const STATE_MESSAGE: Record<CallState, MessageKey> = {
  connecting: "call.connecting",
  waiting: "call.waitingForOther",
  connected: "call.connected",
  reconnecting: "call.reconnecting",
  disconnected: "call.disconnected",
  otherHungUp: "call.otherHungUp",
};

/** Why video is off (audio only by choice, a weak line on either side), in plain words. */
function MediaNotice({ media, role, group }: { media: CallMedia; role: Participant; group: boolean }) {
  const t = useT();
  const notices: MessageKey[] = [];
  if (media.audioOnly) notices.push("call.audioOnlyOn");
  if (media.selfWeak) notices.push("call.selfWeak");
  if (media.otherWeak) notices.push(group ? "call.someoneWeak" : role === "doctor" ? "call.patientWeak" : "call.doctorWeak");
  if (!notices.length) return null;
  return (
    <div
      className="call-notice call-notice--media"
      role="status"
      data-media={[media.audioOnly && "audio-only", media.selfWeak && "self-weak", media.otherWeak && "other-weak"].filter(Boolean).join(" ")}
    >
      {notices.map((key) => (
        <p key={key}>{t(key)}</p>
      ))}
    </div>
  );
}

/**
 * One other person's picture and sound, named (in a call of three or four). With nobody there yet, an
 * empty tile holds the place.
 */
function RemoteTile({ party, name }: { party: RemoteParty | null; name: string | null }) {
  const t = useT();
  const video = useRef<HTMLVideoElement>(null);
  const tracks = party?.tracks;
  // Only when the tracks change: a new source would restart the video.
  useEffect(() => showTracks(video.current, tracks ?? []), [tracks]);
  const voiceOnly = Boolean(tracks?.length) && !tracks!.some((track) => track.kind === "video");
  return (
    <div className="call-tile">
      <video ref={video} className="call-stage__remote" autoPlay playsInline data-testid="remote-video" data-peer={party?.peer} />
      {name ? <p className="call-tile__name">{name}</p> : null}
      {voiceOnly ? (
        <p className="call-stage__voice-only" role="status">
          {t("call.remoteVoiceOnly")}
        </p>
      ) : null}
    </div>
  );
}

const ROLE_WORD: Record<Participant, MessageKey> = {
  patient: "participants.role.patient",
  doctor: "participants.role.doctor",
  colleague: "participants.role.colleague",
  companion: "participants.role.companion",
};

/** States from which "Call again" recovers: a dropped or failed line, or a hang-up. */
const RECOVERABLE = new Set<CallState>(["reconnecting", "disconnected"]);

/**
 * The call itself, once the person is in it: everyone else's video, this person's own, how the call and
 * the line are, and "Call again", "End call" (on a phone "Leave") and "Audio only" before the switches the
 * check had (`switches`) — then, on a phone, "Chat" with its unread count. A chunk of its own: a patient's
 * phone fetches it when the doctor admits them (see the room's route).
 */
export function LiveCall(
  props: Parameters<typeof useCall>[0] & {
    role: Participant;
    names: Record<string, string>;
    selfView: MediaStreamTrack | null;
    cameraProblem: boolean;
    level: number;
    phone?: { chatUnread: number; onOpenChat: () => void };
    /** Mute, camera, flip and blur: the check's switches, kept through the call. */
    switches: ReactNode;
    /** Blur and camera notices, and the device pickers. */
    footer: ReactNode;
  }
) {
  const t = useT();
  const { role, names, phone, cameraProblem } = props;
  const call = useCall(props);
  const { state } = call;
  const group = call.remotes.length > 1;
  // Twilio names a participant by role ("colleague"): such a key names them by the role's word.
  const nameOf = (peer: string) => names[peer] ?? (peer in ROLE_WORD ? t(ROLE_WORD[peer as Participant]) : null);
  return (
    <section className={phone ? "call-panel call-panel--live call-panel--phone" : "call-panel call-panel--live"} aria-label={t("consult.heading")}>
      <div className="call-stage">
        <div className="call-stage__remotes" data-count={Math.max(1, call.remotes.length)}>
          {call.remotes.length === 0 ? (
            <RemoteTile party={null} name={null} />
          ) : (
            call.remotes.map((party) => <RemoteTile key={party.peer} party={party} name={group ? nameOf(party.peer) : null} />)
          )}
        </div>
        {cameraProblem ? null : <SelfView track={props.selfView} className="call-stage__local" />}
        <p className={`call-state call-state--${call.hungUp ? "hung-up" : state}`} role="status" data-state={call.hungUp ? "hung-up" : state}>
          {t(call.hungUp ? "call.youHungUp" : STATE_MESSAGE[state])}
        </p>
        {call.hungUp ? null : <MediaNotice media={call.media} role={role} group={group} />}
        {!call.hungUp && state === "connected" && call.quality ? (
          <p className="call-quality" data-level={call.quality.level}>
            {t(`call.quality.${call.quality.level}`)}
            <span className="call-quality__detail">
              {" · "}
              {t("call.qualityDetail", {
                ms: call.quality.roundTripMs ?? "–",
                loss: call.quality.lossPercent,
                kbps: call.quality.receivedKbps,
              })}
            </span>
          </p>
        ) : null}
      </div>
      <div className="call-controls">
        {call.hungUp || RECOVERABLE.has(state) ? (
          <button type="button" className="button button--primary" onClick={call.callAgain}>
            {t("call.callAgain")}
          </button>
        ) : null}
        {call.hungUp ? null : (
          <button type="button" className="button button--danger" onClick={call.hangUp}>
            {t(phone ? "call.leave" : "call.endCall")}
          </button>
        )}
        {!call.hungUp && !cameraProblem ? (
          <button type="button" className="button" aria-pressed={call.media.audioOnly} onClick={() => call.setAudioOnly(!call.media.audioOnly)}>
            {t("call.audioOnly")}
          </button>
        ) : null}
        {props.switches}
        {phone ? (
          <button type="button" className="button call-controls__chat" onClick={phone.onOpenChat}>
            {t("chat.heading")}
            {phone.chatUnread > 0 ? (
              <span className="call-controls__unread" aria-label={t("chat.unread", { count: phone.chatUnread })}>
                {phone.chatUnread}
              </span>
            ) : null}
          </button>
        ) : (
          <LevelMeter level={props.level} />
        )}
      </div>
      {props.footer}
    </section>
  );
}
