import { useEffect, useRef } from "react";
import type { JoinMode } from "~/domain/vocabulary";
import type { Call, CallMedia, CallState, RemoteParty } from "~/features/consultation/client/call";
import type { Participant } from "~/features/live/events";
import type { RoomSocket } from "~/features/consultation/client/room-socket";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { CameraHelp, DevicePickers, LevelMeter, MediaProblemMessage } from "./device-controls";
import { useBackgroundBlur } from "./use-background-blur";
import { useCall } from "./use-call";
import { useLocalMedia, useMediaSwitches } from "./use-local-media";

/**
 * Shows tracks in a `<video>` and starts it with play(). The `autoplay` attribute alone is not enough: a
 * muted video Chromium started by that attribute is paused whenever it is out of view, and stays paused
 * until it is scrolled back in. On Admit the call stage grows and pushes the small self-view below the
 * fold, so it stopped after a few frames while the other side's video (unmuted, so not paused that way)
 * played on (issue 15 item 6). A video started by play() is not paused that way.
 */
function show(video: HTMLVideoElement | null, tracks: MediaStreamTrack[]) {
  if (!video) return;
  video.srcObject = tracks.length ? new MediaStream(tracks) : null;
  // Refused without a user's gesture for a video with sound (after a reload): it then waits as before.
  if (tracks.length) video.play().catch(() => {});
}

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
    <div className="call-notice call-notice--media" role="status" data-media={[media.audioOnly && "audio-only", media.selfWeak && "self-weak", media.otherWeak && "other-weak"].filter(Boolean).join(" ")}>
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
  useEffect(() => show(video.current, tracks ?? []), [tracks]);
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
 * The local camera and microphone (the pre-call check: preview, microphone level, device pickers, plain
 * help when something is wrong) and, once `inCall`, the call itself with either provider.
 */
export function CallPanel({
  appointmentId,
  role,
  self,
  names,
  socket,
  inCall,
  onJoinMode,
  phone,
}: {
  appointmentId: string;
  role: Participant;
  /** This person's key in the call, and everyone's name by key (shown on their video in a group call). */
  self: string;
  names: Record<string, string>;
  socket: RoomSocket | null;
  inCall: boolean;
  /** How this device can join: by video, by voice (no camera), or by chat alone (neither). */
  onJoinMode?: (mode: JoinMode) => void;
  /**
   * The call on a phone: full screen, large Mute, Camera, Flip and Leave, and chat behind a button that
   * counts what arrived unread (the page shows the chat over the call when it is pressed).
   */
  phone?: { chatUnread: number; onOpenChat: () => void };
}) {
  const t = useT();
  // The running call, set by useCall: a camera or microphone picked during the call is handed to it.
  const running = useRef<Call | null>(null);
  const media = useLocalMedia(running);
  const blur = useBackgroundBlur();
  const call = useCall({ appointmentId, self, socket, inCall, local: media.local, blur: blur.ready, blurSettled: blur.settled, running });
  const switches = useMediaSwitches(media.local, call.selfView);
  const { problem, cameraProblem, level } = media;
  const { state } = call;
  const joinMode: JoinMode = problem ? "chat" : cameraProblem ? "voice" : "video";
  const reportJoinMode = useRef(onJoinMode);
  reportJoinMode.current = onJoinMode;
  useEffect(() => reportJoinMode.current?.(joinMode), [joinMode]);
  const group = call.remotes.length > 1;
  // Twilio names a participant by role ("colleague"): such a key names them by the role's word.
  const nameOf = (peer: string) => names[peer] ?? (peer in ROLE_WORD ? t(ROLE_WORD[peer as Participant]) : null);

  const localVideo = useRef<HTMLVideoElement>(null);
  // Only when the track changes: a new source would restart the video.
  useEffect(() => show(localVideo.current, call.selfView ? [call.selfView] : []), [call.selfView]);

  if (problem) {
    return (
      <section className="card call-panel" aria-labelledby="call-check">
        <h2 id="call-check">{t("call.check")}</h2>
        <MediaProblemMessage problem={problem} onRetry={media.retry} />
      </section>
    );
  }

  return (
    <section
      className={inCall ? (phone ? "call-panel call-panel--live call-panel--phone" : "call-panel call-panel--live") : "card call-panel"}
      aria-label={inCall ? t("consult.heading") : t("call.check")}
    >
      {!inCall ? <h2>{t("call.check")}</h2> : null}
      <div className={inCall ? "call-stage" : "call-preview"}>
        {inCall ? (
          <div className="call-stage__remotes" data-count={Math.max(1, call.remotes.length)}>
            {call.remotes.length === 0 ? (
              <RemoteTile party={null} name={null} />
            ) : (
              call.remotes.map((party) => <RemoteTile key={party.peer} party={party} name={group ? nameOf(party.peer) : null} />)
            )}
          </div>
        ) : null}
        {cameraProblem ? null : (
          <video ref={localVideo} className={inCall ? "call-stage__local" : "call-preview__video"} autoPlay playsInline muted data-testid="local-video" />
        )}
        {inCall ? (
          <p className={`call-state call-state--${call.hungUp ? "hung-up" : state}`} role="status" data-state={call.hungUp ? "hung-up" : state}>
            {t(call.hungUp ? "call.youHungUp" : STATE_MESSAGE[state])}
          </p>
        ) : null}
        {inCall && !call.hungUp ? <MediaNotice media={call.media} role={role} group={group} /> : null}
        {inCall && !call.hungUp && state === "connected" && call.quality ? (
          <p className="call-quality" data-level={call.quality.level}>
            {t(`call.quality.${call.quality.level}`)}
            <span className="call-quality__detail">
              {" · "}
              {t("call.qualityDetail", { ms: call.quality.roundTripMs ?? "–", loss: call.quality.lossPercent, kbps: call.quality.receivedKbps })}
            </span>
          </p>
        ) : null}
      </div>
      <div className="call-controls">
        {inCall && (call.hungUp || RECOVERABLE.has(state)) ? (
          <button type="button" className="button button--primary" onClick={call.callAgain}>
            {t("call.callAgain")}
          </button>
        ) : null}
        {inCall && !call.hungUp ? (
          <button type="button" className="button button--danger" onClick={call.hangUp}>
            {t(phone ? "call.leave" : "call.endCall")}
          </button>
        ) : null}
        {inCall && !call.hungUp && !cameraProblem ? (
          <button type="button" className="button" aria-pressed={call.media.audioOnly} onClick={() => call.setAudioOnly(!call.media.audioOnly)}>
            {t("call.audioOnly")}
          </button>
        ) : null}
        <button type="button" className="button" aria-pressed={switches.muted} onClick={switches.toggleMute}>
          {switches.muted ? t("call.unmute") : t("call.mute")}
        </button>
        {cameraProblem ? null : (
          <>
            <button type="button" className="button" aria-pressed={switches.cameraOff} onClick={switches.toggleCamera}>
              {switches.cameraOff ? t("call.cameraOn") : t("call.cameraOff")}
            </button>
            {phone && media.canFlip ? (
              <button type="button" className="button" onClick={media.flipCamera}>
                {t("call.flipCamera")}
              </button>
            ) : null}
            <button type="button" className="button button--blur" aria-pressed={blur.wanted} aria-busy={blur.loading} onClick={blur.toggle}>
              {t("call.blurOn")}
            </button>
          </>
        )}
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
          <LevelMeter level={level} />
        )}
      </div>
      {blur.failed ? (
        <p className="call-notice" role="alert">
          {t("call.blurUnavailable")}
        </p>
      ) : blur.loading ? (
        <p className="call-notice" role="status">
          {t("call.blurLoading")}
        </p>
      ) : null}
      {cameraProblem ? (
        <div className="call-notice call-notice--camera" role="alert">
          <p>{t(role === "patient" ? "call.cameraBlocked" : "call.cameraBlockedDoctor")}</p>
          {cameraProblem === "denied" ? <CameraHelp /> : null}
          <button type="button" className="button" onClick={media.retry}>
            {t("call.retryCamera")}
          </button>
        </div>
      ) : null}
      {phone ? null : <DevicePickers media={media} />}
    </section>
  );
}
