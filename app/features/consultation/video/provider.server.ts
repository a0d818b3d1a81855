/**
 * The video provider behind one small interface. Twilio when its credentials are set; otherwise the
 * built-in peer-to-peer provider, whose signalling runs through our own WebSocket.
 */
import type { Participant } from "~/features/live/events";
import type { JoinCredentials, RTCIceServerLike } from "./join-credentials";
import { p2pProvider, type JoinTickets } from "./p2p.server";
import { twilioProvider, type TwilioCredentials } from "./twilio.server";

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


export interface VideoProvider {
  readonly name: "twilio" | "p2p";
  issue(request: JoinRequest): Promise<JoinCredentials>;
}

/** Chosen once, when the server starts: Twilio with its credentials, else peer-to-peer. */
export function videoProvider(options: { twilio: TwilioCredentials | null; tickets: JoinTickets; iceServers: RTCIceServerLike[] }): VideoProvider {
  return options.twilio ? twilioProvider(options.twilio) : p2pProvider(options);
}
