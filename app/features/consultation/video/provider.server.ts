/**
 * The video provider behind one small interface. Twilio when its credentials are set; otherwise the
 * built-in peer-to-peer provider, whose signalling runs through our own WebSocket.
 */
import type { Participant } from "~/features/live/events";
import { p2pProvider } from "./p2p.server";
import { twilioProvider, twilioCredentialsFromEnv } from "./twilio.server";

export type JoinRequest = {
  appointmentId: string;
  userId: string;
  role: Participant;
  roomName: string;
  /** Opaque: never a name or an email. */
  identity: string;
  /** No credential outlives the join window. */
  expiresAt: Date;
  now: Date;
};

/** What the browser needs to join; the same shape whichever provider issued it. */
export type JoinCredentials = {
  provider: "twilio" | "p2p";
  token: string;
  roomName: string;
  identity: string;
  expiresAt: string;
  iceServers: RTCIceServerLike[];
};

export type RTCIceServerLike = { urls: string | string[]; username?: string; credential?: string };

export interface VideoProvider {
  readonly name: "twilio" | "p2p";
  issue(request: JoinRequest): Promise<JoinCredentials>;
}

let chosen: VideoProvider | undefined;

export function videoProvider(env: NodeJS.ProcessEnv = process.env): VideoProvider {
  if (env === process.env && chosen) return chosen;
  const twilio = twilioCredentialsFromEnv(env);
  const provider = twilio ? twilioProvider(twilio) : p2pProvider(env);
  if (env === process.env) chosen = provider;
  return provider;
}
