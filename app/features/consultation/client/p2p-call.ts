import type { PeerKey, ServerMessage, SignalData } from "~/features/live/events";
import { makesOffer } from "../participant-policy";
import type { BackgroundBlur, BlurredTrack } from "./background-blur";
import type { JoinCredentials } from "../video/join-credentials";
import type { CallCallbacks, CallState, Call } from "./call";
import { guardVideo, initialGuard, lineFps, lineQuality, SAMPLE_MS, type LineSample } from "./line-guard";
import type { RoomSocket } from "./room-socket";

/**
 * The built-in peer-to-peer call: a mesh, one RTCPeerConnection to each other person in the call (four
 * people at most), signalling through the room socket, addressed by peer key. Of every two people one
 * makes the offer (`makesOffer`: the doctor to everyone), whenever the other is (again) present, so a
 * reload on either side simply starts that pair's connection afresh. A line that drops, or a network that
 * changes (Wi-Fi to mobile data: the browser's `online` event, or its connection type changing), first
 * gets an ICE restart on the same connection — the tracks, the encoders and the picture stay — and only
 * if the line is not back within `RESTART_WAIT_MS`, a fresh connection (a re-join).
 */
const RESTART_WAIT_MS = 8_000;
/** A dropped line is given this long to come back by itself before ICE restarts. */
const DISCONNECTED_GRACE_MS = 3_000;

/** The connection to one other person in the call. */
type Link = {
  peer: PeerKey;
  pc: RTCPeerConnection;
  /** This side makes the offers of this pair. */
  offerer: boolean;
  pending: RTCIceCandidateInit[];
  /** Given its ICE restart already (one each; after that, a fresh connection). */
  restarted: boolean;
  state: Exclude<CallState, "waiting" | "otherHungUp" | "disconnected">;
  /** The other person said their line could not hold their video. */
  weak: boolean;
  received: Set<MediaStreamTrack>;
  /** Tells this connection from an earlier one to the same person (the line's samples start over). */
  serial: number;
  failTimer?: ReturnType<typeof setTimeout>;
  /** The fresh connection that follows an ICE restart that did not bring the line back. */
  restartTimer?: ReturnType<typeof setTimeout>;
};

export function startP2PCall(options: {
  /** This person's key in the call's signalling (participant-policy.ts). */
  self: PeerKey;
  credentials: JoinCredentials;
  socket: RoomSocket;
  local: MediaStream;
  callbacks: CallCallbacks;
  /** Blur the camera from the first frame sent. */
  blur?: BackgroundBlur | null;
}): Call {
  const { self, credentials, socket, local, callbacks } = options;
  const links = new Map<PeerKey, Link>();
  let stopped = false;
  /** The last person to leave pressed "End call" (rather than dropped). */
  let lastLeftHungUp = false;
  let serials = 0;

  const signal = (to: PeerKey, data: SignalData) => socket.send({ type: "signal", to, data });

  // What every connection sends: the microphone, and the camera as it is or with its background blurred.
  // A fresh connection (after a reload or a dropped line) sends the same.
  const sending = new Map(local.getTracks().map((track) => [track.kind, track]));
  let camera = sending.get("video") ?? null;
  let blur: BackgroundBlur | null = null;
  let blurred: BlurredTrack | null = null;

  // Video can be held back: "Audio only" (anyone's choice, for everyone) or a line that cannot carry
  // this side's video (the guard pauses it and tries again from time to time).
  let audioOnly = false;
  let guard = initialGuard();
  const videoWanted = () => !audioOnly && guard.mode !== "down";
  const otherWeak = () => [...links.values()].some((link) => link.weak);
  const reportMedia = () => callbacks.onMedia?.({ audioOnly, selfWeak: guard.mode === "down", otherWeak: otherWeak() });
  const announce = (link: Link) => signal(link.peer, { media: { audioOnly, weak: guard.mode === "down" } });
  const announceAll = () => links.forEach(announce);

  const reportRemotes = () =>
    callbacks.onRemotes(
      [...links.values()].map((link) => ({ peer: link.peer, tracks: [...link.received].filter((t) => t.readyState === "live") })),
    );
  const reportState = () => {
    if (links.size === 0) return callbacks.onState(lastLeftHungUp ? "otherHungUp" : "waiting");
    const states = [...links.values()].map((link) => link.state);
    callbacks.onState(states.includes("connected") ? "connected" : states.includes("reconnecting") ? "reconnecting" : "connecting");
  };

  /** The sender of a kind on a connection: matched by its m-line, whatever it sends now (or nothing). */
  const senderOf = (connection: RTCPeerConnection, kind: string) =>
    connection.getTransceivers().find((t) => t.receiver.track.kind === kind && t.direction !== "recvonly")?.sender;

  async function applySending(connection: RTCPeerConnection, kind: string) {
    const track = sending.get(kind) ?? null;
    await senderOf(connection, kind)?.replaceTrack(kind === "video" && !videoWanted() ? null : track);
  }
  const applyEverywhere = (kind: string) => Promise.all([...links.values()].map((link) => applySending(link.pc, kind)));

  async function send(track: MediaStreamTrack) {
    sending.set(track.kind, track);
    if (track.kind === "video") callbacks.onLocalVideo(track);
    await applyEverywhere(track.kind);
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

  function drop(link: Link) {
    clearTimeout(link.failTimer);
    clearTimeout(link.restartTimer);
    link.pc.close();
    if (links.get(link.peer) === link) links.delete(link.peer);
  }

  /** A new connection to `peer` (closing the one there was). */
  function fresh(peer: PeerKey): Link {
    const old = links.get(peer);
    if (old) drop(old);
    const pc = new RTCPeerConnection({ iceServers: credentials.iceServers });
    const link: Link = { peer, pc, offerer: makesOffer(self, peer), pending: [], restarted: false, state: "connecting", weak: false, received: new Set(), serial: ++serials };
    for (const track of sending.values()) pc.addTrack(track, local);
    if (!videoWanted()) void applySending(pc, "video");
    // What the other side sends: a track event comes for each of them only (a side without a camera
    // answers the video "recvonly", and the receiver of it never gets a track event).
    pc.ontrack = (event) => {
      link.received.add(event.track);
      reportRemotes();
    };
    pc.onicecandidate = (event) => {
      signal(peer, { candidate: event.candidate ? (event.candidate.toJSON() as never) : null });
    };
    pc.onconnectionstatechange = () => {
      if (links.get(peer) !== link) return;
      clearTimeout(link.failTimer);
      switch (pc.connectionState) {
        case "connected":
          clearTimeout(link.restartTimer);
          link.state = "connected";
          // A fresh connection's other side starts from nothing: tell it how this side sends.
          if (audioOnly || guard.mode === "down") announce(link);
          break;
        case "disconnected":
        case "failed":
          link.state = "reconnecting";
          // The offerer restarts ICE if the line does not come back by itself (then, starts over).
          if (link.offerer) {
            link.failTimer = setTimeout(() => void recover(link).catch(() => {}), pc.connectionState === "failed" ? 0 : DISCONNECTED_GRACE_MS);
          }
          break;
      }
      reportState();
    };
    links.set(peer, link);
    reportState();
    return link;
  }

  async function offer(peer: PeerKey) {
    if (stopped) return;
    const { pc } = fresh(peer);
    const description = await pc.createOffer();
    await pc.setLocalDescription(description);
    signal(peer, { description: { type: "offer", sdp: description.sdp ?? "" } });
  }

  /**
   * The offerer's way back for a connection in trouble: its ICE restart if it has not had one (a new offer
   * on the same connection), else a fresh connection; a restart not answered by a working line within
   * `RESTART_WAIT_MS` also ends in a fresh connection.
   */
  async function recover(link: Link) {
    if (stopped || links.get(link.peer) !== link) return;
    const { pc } = link;
    if (link.restarted || pc.signalingState !== "stable") return offer(link.peer);
    link.restarted = true;
    // A restart for a network change may find the line still up: the call says nothing then.
    if (pc.connectionState !== "connected") {
      link.state = "reconnecting";
      reportState();
    }
    clearTimeout(link.restartTimer);
    link.restartTimer = setTimeout(() => {
      if (links.get(link.peer) === link && pc.connectionState !== "connected") void offer(link.peer).catch(() => {});
    }, RESTART_WAIT_MS);
    const description = await pc.createOffer({ iceRestart: true });
    await pc.setLocalDescription(description);
    signal(link.peer, { description: { type: "offer", sdp: description.sdp ?? "" }, restart: true });
  }

  // A network change on this side (Wi-Fi to mobile data, a new address): every connection's candidates
  // are stale. This side restarts ICE where it makes the offers, and asks the other side where it does not.
  const onNetworkChange = () => {
    if (stopped) return;
    for (const link of links.values()) {
      if (!link.offerer) {
        signal(link.peer, { restartIce: true });
        continue;
      }
      // A new network deserves a restart of its own, whatever happened on the old one.
      link.restarted = false;
      void recover(link).catch(() => {});
    }
  };
  const network = (navigator as Navigator & { connection?: EventTarget }).connection;
  window.addEventListener("online", onNetworkChange);
  network?.addEventListener("change", onNetworkChange);

  async function flush(link: Link) {
    const queued = link.pending;
    link.pending = [];
    for (const candidate of queued) await link.pc.addIceCandidate(candidate).catch(() => {});
  }

  async function onSignal(from: PeerKey, data: SignalData) {
    const link = links.get(from);
    if ("media" in data) {
      if (link) link.weak = data.media.weak;
      if (data.media.audioOnly !== audioOnly) {
        audioOnly = data.media.audioOnly;
        await applyEverywhere("video");
        // Everyone else hears of it from this side too (the mesh has no centre).
        for (const other of links.values()) if (other.peer !== from) announce(other);
      }
      reportMedia();
      return;
    }
    if ("restartIce" in data) {
      if (link?.offerer) {
        link.restarted = false;
        await recover(link);
      }
      return;
    }
    if ("description" in data) {
      const { description } = data;
      // An ICE restart is answered on the connection there is: its tracks and picture stay.
      if (description.type === "offer" && data.restart && link && !link.offerer && link.pc.remoteDescription && link.pc.signalingState === "stable") {
        await link.pc.setRemoteDescription(description);
        const answer = await link.pc.createAnswer();
        await link.pc.setLocalDescription(answer);
        signal(from, { description: { type: "answer", sdp: answer.sdp ?? "" } });
        return;
      }
      if (description.type === "offer" && !makesOffer(self, from)) {
        const answering = fresh(from);
        await answering.pc.setRemoteDescription(description);
        await flush(answering);
        const answer = await answering.pc.createAnswer();
        await answering.pc.setLocalDescription(answer);
        signal(from, { description: { type: "answer", sdp: answer.sdp ?? "" } });
      } else if (description.type === "answer" && link?.offerer && link.pc.signalingState === "have-local-offer") {
        await link.pc.setRemoteDescription(description);
        await flush(link);
      }
      return;
    }
    if (!data.candidate || !link) return;
    if (link.pc.remoteDescription) await link.pc.addIceCandidate(data.candidate).catch(() => {});
    else link.pending.push(data.candidate);
  }

  /** One figure of the others' incoming media, summed over every connection and stream (0 before one). */
  async function sumInbound(kind: "audio" | "video", figure: "framesDecoded" | "totalAudioEnergy") {
    let sum = 0;
    for (const link of links.values()) {
      (await link.pc.getStats()).forEach((report: { type: string; kind?: string } & Partial<Record<typeof figure, number>>) => {
        if (report.type === "inbound-rtp" && report.kind === kind) sum += report[figure] ?? 0;
      });
    }
    return sum;
  }

  // Every two seconds: how the lines are (summed over the connections; the worst round trip and the
  // slowest video sent), and whether they still carry this side's video.
  let previous: LineSample | null = null;
  let previousLinks = "";
  async function sampleLine() {
    const connected = [...links.values()].filter((link) => link.pc.connectionState === "connected");
    const which = connected.map((link) => link.serial).join(",");
    if (connected.length === 0 || which !== previousLinks) previous = null;
    previousLinks = which;
    if (connected.length === 0) return;
    const sample: LineSample = { at: Date.now(), roundTripMs: null, receivedBytes: 0, receivedPackets: 0, lostPackets: 0, sentFps: null, sentTargetKbps: null };
    for (const link of connected) {
      (await link.pc.getStats()).forEach((r: Record<string, unknown> & { type: string }) => {
        const n = (key: string) => (typeof r[key] === "number" ? (r[key] as number) : 0);
        if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded" && typeof r.currentRoundTripTime === "number") {
          sample.roundTripMs = Math.max(sample.roundTripMs ?? 0, r.currentRoundTripTime * 1000);
        }
        if (r.type === "inbound-rtp") {
          sample.receivedBytes += n("bytesReceived");
          sample.receivedPackets += n("packetsReceived");
          sample.lostPackets += n("packetsLost");
        }
        // A video slowed by this device's own processor is not a weak line: not judged.
        if (r.type === "outbound-rtp" && r.kind === "video" && typeof r.framesPerSecond === "number" && r.qualityLimitationReason !== "cpu") {
          sample.sentFps = Math.min(sample.sentFps ?? Infinity, r.framesPerSecond);
          if (typeof r.targetBitrate === "number") sample.sentTargetKbps = Math.min(sample.sentTargetKbps ?? Infinity, r.targetBitrate / 1000);
        }
      });
    }
    const sent = sending.get("video");
    // Only a camera that is on and meant to be sent is judged (a camera turned off sends next to nothing).
    const judged = Boolean(sent && sent.enabled && sent.readyState === "live") && !audioOnly;
    // A slow video whose encoder could spend more is slow for another reason than the line: not judged.
    const step = guardVideo(guard, guard.mode === "down" ? null : lineFps(sample), judged, sample.at);
    guard = step.guard;
    if (step.action === "pause" || step.action === "probe") await applyEverywhere("video");
    if (step.action === "pause" || step.action === "resume") {
      announceAll();
      reportMedia();
    }
    callbacks.onQuality?.(lineQuality(previous, sample, guard.mode === "down" || otherWeak()));
    previous = sample;
  }
  const sampler = setInterval(() => void sampleLine().catch(() => {}), SAMPLE_MS);

  const unsubscribe = socket.subscribe((message: ServerMessage) => {
    if (stopped) return;
    if (message.type === "signal") void onSignal(message.from, message.data).catch(() => {});
    // An offer refused because the server had not yet heard of the admission: offer again shortly.
    if (message.type === "error" && message.reason === "not in a call") {
      for (const link of links.values()) {
        if (!link.offerer || link.state === "connected") continue;
        clearTimeout(link.failTimer);
        link.failTimer = setTimeout(() => void offer(link.peer).catch(() => {}), 1000);
      }
    }
    if (message.type === "peer" && message.peer !== self) {
      if (message.present) {
        lastLeftHungUp = false;
        if (makesOffer(self, message.peer)) void offer(message.peer).catch(() => {});
      } else {
        // Gone: no offer to someone who is not there (a dropped line's retry included).
        const link = links.get(message.peer);
        if (link) drop(link);
        lastLeftHungUp = Boolean(message.hungUp);
        reportRemotes();
        reportMedia();
        reportState();
      }
    }
  });
  // Announce ourselves (again after every reconnection of the socket) with the signed ticket.
  const unOpen = socket.onOpen(() => {
    socket.send({ type: "join", ticket: credentials.token });
  });
  reportState();

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
      void applyEverywhere("video");
      announceAll();
      reportMedia();
    },
    stop() {
      stopped = true;
      clearInterval(sampler);
      blurred?.stop();
      window.removeEventListener("online", onNetworkChange);
      network?.removeEventListener("change", onNetworkChange);
      unsubscribe();
      unOpen();
      for (const link of [...links.values()]) drop(link);
    },
  };
}
