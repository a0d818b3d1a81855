/** An ICE server as `RTCPeerConnection` takes it (a TURN server's username and credential included). */
export type RTCIceServerLike = { urls: string | string[]; username?: string; credential?: string };

/**
 * What the browser needs to join a call; the same shape whichever provider issued it. The server's
 * providers issue it and the browser's calls read it.
 */
export type JoinCredentials = {
  provider: "twilio" | "p2p";
  token: string;
  roomName: string;
  identity: string;
  expiresAt: string;
  iceServers: RTCIceServerLike[];
};
