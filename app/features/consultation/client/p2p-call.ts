import type { ServerMessage, SignalData } from "~/features/live/events";
import type { BackgroundBlur, BlurredTrack } from "./background-blur";
import type { JoinCredentials } from "../video/join-credentials";
import type { CallCallbacks, Call } from "./call";
import { guardVideo, initialGuard, lineFps, lineQuality, SAMPLE_MS, type LineSample } from "./line-guard";
import type { RoomSocket } from "./room-socket";

/**
 * The built-in peer-to-peer call: one RTCPeerConnection, signalling through the room socket. The doctor
 * always makes the offer whenever the patient is (again) present, so a reload on either side simply
 * starts a fresh connection. A line that drops, or a network that changes (Wi-Fi to mobile data: the
 * browser's `online` event, or its connection type changing), first gets an ICE restart on the same
 * connection — the tracks, the encoders and the picture stay — and only if the line is not back within
 * `RESTART_WAIT_MS`, a fresh connection (a re-join).
 */
const RESTART_WAIT_MS = 8_000;
/** A dropped line is given this long to come back by itself before ICE restarts. */
const DISCONNECTED_GRACE_MS = 3_000;

export function startP2PCall(options: {
  role: "patient" | "doctor";
  credentials: JoinCredentials;
  socket: RoomSocket;
  local: MediaStream;
  callbacks: CallCallbacks;
  /** Blur the camera from the first frame sent. */
  blur?: BackgroundBlur | null;
}): Call {
  const { role, credentials, socket, local, callbacks } = options;
  let pc: RTCPeerConnection | null = null;
  let pending: RTCIceCandidateInit[] = [];
  let stopped = false;
  let failTimer: ReturnType<typeof setTimeout> | undefined;
  /** The fresh connection that follows an ICE restart that did not bring the line back. */
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  /** Connections that were given their ICE restart (one each; after that, a fresh one). */
  const restarted = new WeakSet<RTCPeerConnection>();

  const signal = (data: SignalData) => socket.send({ type: "signal", data });

  // What every connection sends: the microphone, and the camera as it is or with its background blurred.
  // A fresh connection (after a reload or a dropped line) sends the same.
  const sending = new Map(local.getTracks().map((track) => [track.kind, track]));
  let camera = sending.get("video") ?? null;
  let blur: BackgroundBlur | null = null;
  let blurred: BlurredTrack | null = null;

  // Video can be held back: "Audio only" (either side's choice, for both) or a line that cannot carry
  // this side's video (the guard pauses it and tries again from time to time).
  let audioOnly = false;
  let otherWeak = false;
  let guard = initialGuard();
  const videoWanted = () => !audioOnly && guard.mode !== "down";
  const reportMedia = () => callbacks.onMedia?.({ audioOnly, selfWeak: guard.mode === "down", otherWeak });
  const announce = () => signal({ media: { audioOnly, weak: guard.mode === "down" } });

  /** The sender of a kind on a connection: matched by its m-line, whatever it sends now (or nothing). */
  const senderOf = (connection: RTCPeerConnection, kind: string) =>
    connection.getTransceivers().find((t) => t.receiver.track.kind === kind && t.direction !== "recvonly")?.sender;

  async function applySending(connection: RTCPeerConnection | null, kind: string) {
    if (!connection) return;
    const track = sending.get(kind) ?? null;
    await senderOf(connection, kind)?.replaceTrack(kind === "video" && !videoWanted() ? null : track);
  }

  async function send(track: MediaStreamTrack) {
    sending.set(track.kind, track);
    if (track.kind === "video") callbacks.onLocalVideo(track);
    await applySending(pc, track.kind);
  }

  async function sendCamera(nextBlur: BackgroundBlur | null) {
    blurred?.stop();
    blurred = null;
    blur = nextBlur;
    if (!camera) return;
    if (blur) blurred = blur.blur(camera);
    await send(blurred?.track ?? camera);
  }
  void sendCamera(options.blur ?? null);

  function fresh(): RTCPeerConnection {
    clearTimeout(restartTimer);
    pc?.close();
    pending = [];
    const connection = new RTCPeerConnection({ iceServers: credentials.iceServers });
    for (const track of sending.values()) connection.addTrack(track, local);
    if (!videoWanted()) void applySending(connection, "video");
    // What the other side sends: a track event comes for each of them only (a side without a camera
    // answers the video "recvonly", and the receiver of it never gets a track event).
    const received = new Set<MediaStreamTrack>();
    connection.ontrack = (event) => {
      received.add(event.track);
      callbacks.onRemoteTracks([...received].filter((t) => t.readyState === "live"));
    };
    connection.onicecandidate = (event) => {
      signal({ candidate: event.candidate ? (event.candidate.toJSON() as never) : null });
    };
    connection.onconnectionstatechange = () => {
      if (connection !== pc) return;
      clearTimeout(failTimer);
      switch (connection.connectionState) {
        case "connected":
          clearTimeout(restartTimer);
          callbacks.onState("connected");
          // A fresh connection's other side starts from nothing: tell it how this side sends.
          if (audioOnly || guard.mode === "down") announce();
          break;
        case "disconnected":
        case "failed":
          callbacks.onState("reconnecting");
          // The doctor restarts ICE if the line does not come back by itself (then, starts over).
          if (role === "doctor") {
            failTimer = setTimeout(() => void recover(connection).catch(() => {}), connection.connectionState === "failed" ? 0 : DISCONNECTED_GRACE_MS);
          }
          break;
      }
    };
    pc = connection;
    return connection;
  }

  async function offer() {
    if (stopped) return;
    const connection = fresh();
    callbacks.onState("connecting");
    const description = await connection.createOffer();
    await connection.setLocalDescription(description);
    signal({ description: { type: "offer", sdp: description.sdp ?? "" } });
  }

  /**
   * The doctor's way back for a connection in trouble: its ICE restart if it has not had one (a new offer
   * on the same connection), else a fresh connection; a restart not answered by a working line within
   * `RESTART_WAIT_MS` also ends in a fresh connection.
   */
  async function recover(connection: RTCPeerConnection) {
    if (stopped || connection !== pc) return;
    if (restarted.has(connection) || connection.signalingState !== "stable") return offer();
    restarted.add(connection);
    // A restart for a network change may find the line still up: the call says nothing then.
    if (connection.connectionState !== "connected") callbacks.onState("reconnecting");
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => {
      if (connection === pc && connection.connectionState !== "connected") void offer().catch(() => {});
    }, RESTART_WAIT_MS);
    const description = await connection.createOffer({ iceRestart: true });
    await connection.setLocalDescription(description);
    signal({ description: { type: "offer", sdp: description.sdp ?? "" }, restart: true });
  }

  // A network change on this side (Wi-Fi to mobile data, a new address): the connection's candidates are
  // stale. The doctor restarts ICE; the patient asks the doctor to.
  const onNetworkChange = () => {
    if (stopped || !pc) return;
    if (role === "patient") return signal({ restartIce: true });
    // A new network deserves a restart of its own, whatever happened on the old one.
    restarted.delete(pc);
    void recover(pc).catch(() => {});
  };
  const network = (navigator as Navigator & { connection?: EventTarget }).connection;
  window.addEventListener("online", onNetworkChange);
  network?.addEventListener("change", onNetworkChange);

  async function flush(connection: RTCPeerConnection) {
    const queued = pending;
    pending = [];
    for (const candidate of queued) await connection.addIceCandidate(candidate).catch(() => {});
  }

  async function onSignal(data: SignalData) {
    if ("media" in data) {
      otherWeak = data.media.weak;
      if (data.media.audioOnly !== audioOnly) {
        audioOnly = data.media.audioOnly;
        await applySending(pc, "video");
      }
      reportMedia();
      return;
    }
    if ("restartIce" in data) {
      if (role === "doctor" && pc) {
        restarted.delete(pc);
        await recover(pc);
      }
      return;
    }
    if ("description" in data) {
      // An ICE restart is answered on the connection there is: its tracks and picture stay.
      if (data.description.type === "offer" && role === "patient" && data.restart && pc?.remoteDescription && pc.signalingState === "stable") {
        await pc.setRemoteDescription(data.description);
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        signal({ description: { type: "answer", sdp: answer.sdp ?? "" } });
        return;
      }
      if (data.description.type === "offer" && role === "patient") {
        const connection = fresh();
        await connection.setRemoteDescription(data.description);
        await flush(connection);
        const answer = await connection.createAnswer();
        await connection.setLocalDescription(answer);
        signal({ description: { type: "answer", sdp: answer.sdp ?? "" } });
      } else if (data.description.type === "answer" && role === "doctor" && pc?.signalingState === "have-local-offer") {
        await pc.setRemoteDescription(data.description);
        await flush(pc);
      }
      return;
    }
    if (!data.candidate) return;
    if (pc?.remoteDescription) await pc.addIceCandidate(data.candidate).catch(() => {});
    else pending.push(data.candidate);
  }

  /** One figure of the other side's incoming media, summed over its streams (0 before a connection). */
  async function sumInbound(kind: "audio" | "video", figure: "framesDecoded" | "totalAudioEnergy") {
    if (!pc) return 0;
    let sum = 0;
    (await pc.getStats()).forEach((report: { type: string; kind?: string } & Partial<Record<typeof figure, number>>) => {
      if (report.type === "inbound-rtp" && report.kind === kind) sum += report[figure] ?? 0;
    });
    return sum;
  }

  // Every two seconds: how the line is, and whether it still carries this side's video.
  let previous: LineSample | null = null;
  async function sampleLine() {
    const connection = pc;
    if (!connection || connection.connectionState !== "connected") return void (previous = null);
    const sample: LineSample = { at: Date.now(), roundTripMs: null, receivedBytes: 0, receivedPackets: 0, lostPackets: 0, sentFps: null, sentTargetKbps: null };
    (await connection.getStats()).forEach((r: Record<string, unknown> & { type: string }) => {
      const n = (key: string) => (typeof r[key] === "number" ? (r[key] as number) : 0);
      if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded" && typeof r.currentRoundTripTime === "number") sample.roundTripMs = r.currentRoundTripTime * 1000;
      if (r.type === "inbound-rtp") {
        sample.receivedBytes += n("bytesReceived");
        sample.receivedPackets += n("packetsReceived");
        sample.lostPackets += n("packetsLost");
      }
      // A video slowed by this device's own processor is not a weak line: not judged.
      if (r.type === "outbound-rtp" && r.kind === "video" && typeof r.framesPerSecond === "number" && r.qualityLimitationReason !== "cpu") {
        sample.sentFps = r.framesPerSecond;
        sample.sentTargetKbps = typeof r.targetBitrate === "number" ? r.targetBitrate / 1000 : null;
      }
    });
    const sent = sending.get("video");
    // Only a camera that is on and meant to be sent is judged (a camera turned off sends next to nothing).
    const judged = Boolean(sent && sent.enabled && sent.readyState === "live") && !audioOnly;
    // A slow video whose encoder could spend more is slow for another reason than the line: not judged.
    const step = guardVideo(guard, guard.mode === "down" ? null : lineFps(sample), judged, sample.at);
    guard = step.guard;
    if (step.action === "pause" || step.action === "probe") await applySending(connection, "video");
    if (step.action === "pause" || step.action === "resume") {
      announce();
      reportMedia();
    }
    callbacks.onQuality?.(lineQuality(previous, sample, guard.mode === "down" || otherWeak));
    previous = sample;
  }
  const sampler = setInterval(() => void sampleLine().catch(() => {}), SAMPLE_MS);

  const unsubscribe = socket.subscribe((message: ServerMessage) => {
    if (stopped) return;
    if (message.type === "signal") void onSignal(message.data).catch(() => {});
    // An offer refused because the server had not yet heard of the admission: try again shortly.
    if (message.type === "error" && message.reason === "not in a call" && role === "doctor") {
      clearTimeout(failTimer);
      failTimer = setTimeout(() => void offer().catch(() => {}), 1000);
    }
    if (message.type === "peer") {
      if (message.present) {
        if (role === "doctor") void offer().catch(() => {});
      } else {
        // Gone: no offer to a side that is not there (a dropped line's retry included).
        clearTimeout(failTimer);
        clearTimeout(restartTimer);
        pc?.close();
        pc = null;
        callbacks.onRemoteTracks([]);
        callbacks.onState(message.hungUp ? "otherHungUp" : "waiting");
      }
    }
  });
  // Announce ourselves (again after every reconnection of the socket) with the signed ticket.
  const unOpen = socket.onOpen(() => {
    socket.send({ type: "join", ticket: credentials.token });
  });
  callbacks.onState("waiting");

  return {
    async replaceTrack(track) {
      if (track.kind !== "video") return send(track);
      camera = track;
      await sendCamera(blur);
    },
    async setBackgroundBlur(next) {
      if (next !== blur) await sendCamera(next);
    },
    framesDecoded: () => sumInbound("video", "framesDecoded"),
    audioReceived: () => sumInbound("audio", "totalAudioEnergy"),
    setAudioOnly(on) {
      if (on === audioOnly) return;
      audioOnly = on;
      void applySending(pc, "video");
      announce();
      reportMedia();
    },
    stop() {
      stopped = true;
      clearInterval(sampler);
      blurred?.stop();
      clearTimeout(failTimer);
      clearTimeout(restartTimer);
      window.removeEventListener("online", onNetworkChange);
      network?.removeEventListener("change", onNetworkChange);
      unsubscribe();
      unOpen();
      pc?.close();
      pc = null;
    },
  };
}
