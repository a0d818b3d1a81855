import { useEffect, useRef, useState } from "react";
import type { JoinMode } from "~/domain/vocabulary";
import type { Call } from "~/features/consultation/client/call";
import type { RoomSocket } from "~/features/consultation/client/room-socket";
import type { Participant } from "~/features/live/events";
import { useT } from "~/i18n/use-t";
import { splitComponent } from "~/utils/split-component";
import { CameraHelp, DevicePickers, LevelMeter, MediaProblemMessage } from "./device-controls";
import { SelfView, usePreviewTrack } from "./self-view";
import { useBackgroundBlur } from "./use-background-blur";
import { useLocalMedia, useMediaSwitches } from "./use-local-media";

/**
 * The call itself: its own chunk, fetched for a room whose consultation is under way (before the page
 * renders, see the room's route) — a patient waiting to be admitted has only the check's code.
 */
export const LiveCall = splitComponent(() => import("./live-call").then((m) => m.LiveCall));

/**
 * The local camera and microphone (the pre-call check: preview, microphone level, device pickers, plain
 * help when something is wrong) and, once `inCall`, the call itself with either provider, keeping the
 * camera, the microphone, mute, camera off and blur as the check left them.
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
  // The running call: a camera or microphone picked during the call is handed to it.
  const running = useRef<Call | null>(null);
  const media = useLocalMedia(running);
  const blur = useBackgroundBlur();
  // What the self-view shows: the page's preview, or in a call the camera track the call sends.
  const [call, setCall] = useState<Call | null>(null);
  const [sent, setSent] = useState<MediaStreamTrack | null>(null);
  const preview = usePreviewTrack(media.local, blur.ready, call === null);
  const selfView = call ? sent : preview;
  const switches = useMediaSwitches(media.local, selfView);
  const { problem, cameraProblem, level } = media;
  const joinMode: JoinMode = problem ? "chat" : cameraProblem ? "voice" : "video";
  const reportJoinMode = useRef(onJoinMode);
  reportJoinMode.current = onJoinMode;
  useEffect(() => reportJoinMode.current?.(joinMode), [joinMode]);

  if (problem) {
    return (
      <section className="card call-panel" aria-labelledby="call-check">
        <h2 id="call-check">{t("call.check")}</h2>
        <MediaProblemMessage problem={problem} onRetry={media.retry} />
      </section>
    );
  }

  const switchButtons = (
    <>
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
    </>
  );
  const footer = (
    <>
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
    </>
  );

  if (inCall) {
    return (
      <LiveCall
        appointmentId={appointmentId}
        role={role}
        self={self}
        names={names}
        socket={socket}
        local={media.local}
        blur={blur.ready}
        blurSettled={blur.settled}
        running={running}
        onCall={setCall}
        onSelfView={setSent}
        selfView={selfView}
        cameraProblem={Boolean(cameraProblem)}
        level={level}
        phone={phone}
        switches={switchButtons}
        footer={footer}
      />
    );
  }
  return (
    <section className="card call-panel" aria-label={t("call.check")}>
      <h2>{t("call.check")}</h2>
      <div className="call-preview">{cameraProblem ? null : <SelfView track={selfView} className="call-preview__video" />}</div>
      <div className="call-controls">
        {switchButtons}
        <LevelMeter level={level} />
      </div>
      {footer}
    </section>
  );
}
