import twilio from "twilio";
import type { Env } from "~/utils/env.server";
import { ForbiddenError } from "~/utils/errors";
import type { JoinCredentials } from "./join-credentials";
import type { JoinRequest, VideoProvider } from "./provider.server";

export type TwilioCredentials = { accountSid: string; apiKeySid: string; apiKeySecret: string };

/** The three credentials from the checked environment (which refuses one or two of them); null: none set. */
export function twilioCredentials(env: Pick<Env, "TWILIO_ACCOUNT_SID" | "TWILIO_API_KEY_SID" | "TWILIO_API_KEY_SECRET">): TwilioCredentials | null {
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_API_KEY_SID: apiKeySid, TWILIO_API_KEY_SECRET: apiKeySecret } = env;
  return accountSid && apiKeySid && apiKeySecret ? { accountSid, apiKeySid, apiKeySecret } : null;
}

const MAX_TTL_SECONDS = 4 * 60 * 60;

/** Twilio Video: an Access Token whose only grant is this consultation's room. Minting needs no network. */
export function twilioProvider(credentials: TwilioCredentials): VideoProvider {
  return {
    name: "twilio",
    async issue(request: JoinRequest): Promise<JoinCredentials> {
      // The SDK counts from its own clock (Date.now()), read later than `request.now`: measure from it too,
      // so that the token never outlives the window.
      const ttl = Math.min(MAX_TTL_SECONDS, Math.floor((request.expiresAt.getTime() - Math.max(Date.now(), request.now.getTime())) / 1000) - 1);
      if (ttl < 1) throw new ForbiddenError("consult.tokenRefused");
      const token = new twilio.jwt.AccessToken(credentials.accountSid, credentials.apiKeySid, credentials.apiKeySecret, {
        identity: request.identity,
        ttl,
      });
      token.addGrant(new twilio.jwt.AccessToken.VideoGrant({ room: request.roomName }));
      return {
        provider: "twilio",
        token: token.toJwt(),
        roomName: request.roomName,
        identity: request.identity,
        expiresAt: new Date(Math.max(Date.now(), request.now.getTime()) + ttl * 1000).toISOString(),
        iceServers: [],
      };
    },
  };
}
