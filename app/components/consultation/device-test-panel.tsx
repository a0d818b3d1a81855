import { useEffect, useRef, useState } from "react";
import { deviceTestSteps, HEARD_LEVEL, NO_SIGNAL_MS, type SpeakerCheck, type StepStatus } from "~/features/consultation/device-test";
import { playTones, SPEAKER_CHECK } from "~/features/consultation/client/tones";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { DevicePickers, LevelMeter, MediaProblemMessage } from "./device-controls";
import { useLocalMedia } from "./use-local-media";

const STATUS_LABEL: Record<StepStatus, MessageKey> = {
  untested: "deviceTest.notTested",
  checking: "deviceTest.checking",
  pass: "deviceTest.pass",
  fail: "deviceTest.fail",
};

/**
 * The camera, microphone and speaker test, open any time from an appointment's page: the room's own
 * camera and microphone (useLocalMedia: the same opening, errors, pickers and level), a verdict per
 * step, and a tone the person says they heard or not. Loaded only when opened; stops the camera and
 * microphone when closed.
 */
export default function DeviceTestPanel({ onClose }: { onClose: () => void }) {
  const t = useT();
  const media = useLocalMedia();
  const { local, problem, cameraProblem, level } = media;
  const [framed, setFramed] = useState(false);
  const [heard, setHeard] = useState(false);
  const [timedOut, setTimedOut] = useState(false);
  const [speaker, setSpeaker] = useState<SpeakerCheck>("untested");
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (video.current) video.current.srcObject = local;
  }, [local]);
  useEffect(() => {
    if (level > HEARD_LEVEL) setHeard(true);
  }, [level]);
  // Another device picked, or a retry: judge it afresh.
  useEffect(() => {
    setFramed(false);
    setHeard(false);
    setTimedOut(false);
    const timer = setTimeout(() => setTimedOut(true), NO_SIGNAL_MS);
    // A frame's size, as soon as the first frame is there (no event says so in every browser).
    const poll = setInterval(() => {
      if ((video.current?.videoWidth ?? 0) === 0) return;
      setFramed(true);
      clearInterval(poll);
    }, 250);
    return () => {
      clearTimeout(timer);
      clearInterval(poll);
    };
  }, [local]);

  const steps = deviceTestSteps({ problem: problem !== null, cameraProblem: cameraProblem !== null, framed, heard, timedOut, speaker });
  const playSound = async () => {
    setSpeaker("playing");
    setSpeaker((await playTones(SPEAKER_CHECK).catch(() => false)) ? "asking" : "blocked");
  };

  const status = (step: StepStatus) => (
    <span className={`step-status step-status--${step}`} data-status={step}>
      {t(STATUS_LABEL[step])}
    </span>
  );

  return (
    <section className="card device-test" aria-labelledby="device-test-heading">
      <h2 id="device-test-heading">{t("deviceTest.heading")}</h2>
      <p className="muted small">{t("deviceTest.lead")}</p>
      {problem || cameraProblem ? (
        <div className="device-test__problem">
          {problem ? null : <p>{t("call.cameraBlocked")}</p>}
          <MediaProblemMessage problem={problem ?? cameraProblem!} onRetry={media.retry} />
        </div>
      ) : null}
      <ol className="device-test__steps">
        <li className="device-test__step" data-step="camera">
          <div className="device-test__step-head">
            <strong>{t("deviceTest.camera")}</strong> {status(steps.camera)}
          </div>
          {problem ? null : (
            <video ref={video} className="call-preview__video" autoPlay playsInline muted data-testid="device-test-video" />
          )}
          {steps.camera === "fail" && !problem ? <p className="small">{t("deviceTest.cameraHelp")}</p> : null}
        </li>
        <li className="device-test__step" data-step="microphone">
          <div className="device-test__step-head">
            <strong>{t("deviceTest.microphone")}</strong> {status(steps.microphone)}
          </div>
          {problem ? null : (
            <>
              <LevelMeter level={level} />
              <p className="small">{steps.microphone === "fail" ? t("deviceTest.microphoneHelp") : t("deviceTest.microphoneHint")}</p>
              {steps.microphone !== "pass" && local ? (
                <button type="button" className="button button--small" onClick={() => setHeard(true)}>
                  {t("deviceTest.microphoneConfirm")}
                </button>
              ) : null}
            </>
          )}
        </li>
        <li className="device-test__step" data-step="speaker">
          <div className="device-test__step-head">
            <strong>{t("deviceTest.speaker")}</strong> {status(steps.speaker)}
          </div>
          <div className="actions">
            <button type="button" className="button" onClick={() => void playSound()} disabled={speaker === "playing"}>
              {speaker === "untested" ? t("deviceTest.playSound") : t("deviceTest.playAgain")}
            </button>
          </div>
          {speaker === "asking" ? (
            <div className="device-test__ask">
              <p>{t("deviceTest.heardQuestion")}</p>
              <div className="actions">
                <button type="button" className="button button--primary" onClick={() => setSpeaker("heard")}>
                  {t("deviceTest.heard")}
                </button>
                <button type="button" className="button" onClick={() => setSpeaker("notHeard")}>
                  {t("deviceTest.notHeard")}
                </button>
              </div>
            </div>
          ) : null}
          {speaker === "notHeard" ? <p className="small">{t("deviceTest.speakerHelp")}</p> : null}
          {speaker === "blocked" ? <p className="small">{t("deviceTest.soundBlocked")}</p> : null}
        </li>
      </ol>
      {problem ? null : <DevicePickers media={media} />}
      {steps.allPass ? (
        <p className="notice" role="status">
          {t("deviceTest.allPass")}
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="button" onClick={onClose}>
          {t("deviceTest.close")}
        </button>
      </div>
    </section>
  );
}
