/**
 * The outbox's senders, from the checked environment: email through an SMTP server (nodemailer), SMS
 * through Twilio Messaging. A channel that is not configured has no sender, and its messages are kept
 * in the outbox for the admin to read (`held`). Tests never reach either: they pass their own transport.
 */
import nodemailer from "nodemailer";
import twilio from "twilio";
import { twilioCredentials } from "~/features/consultation/video/twilio.server";
import type { Env } from "~/utils/env.server";
import type { OutgoingEmail, OutgoingSms, Transport } from "./deliver.server";

/** Long enough for a slow server, short enough to stay well inside the send lease. */
const SMTP_TIMEOUT_MS = 30_000;

export function smtpSender(smtpUrl: string, from: string): (message: OutgoingEmail) => Promise<void> {
  const mailer = nodemailer.createTransport(smtpUrl, {
    from,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  } as never);
  return async (message) => {
    await mailer.sendMail({
      from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      messageId: message.messageId,
      attachments: message.calendar
        ? [{ filename: message.calendar.filename, content: message.calendar.content, contentType: "text/calendar; charset=utf-8; method=PUBLISH" }]
        : [],
    });
  };
}

export function twilioSmsSender(credentials: { accountSid: string; apiKeySid: string; apiKeySecret: string; messagingServiceSid: string }) {
  const client = twilio(credentials.apiKeySid, credentials.apiKeySecret, { accountSid: credentials.accountSid });
  return async (message: OutgoingSms) => {
    await client.messages.create({ to: message.to, body: message.body, messagingServiceSid: credentials.messagingServiceSid });
  };
}

/** The senders the environment configures (none, one or both). */
export function transportFromEnv(env: Env): Transport {
  const twilioAccount = twilioCredentials(env);
  return {
    email: env.SMTP_URL && env.MAIL_FROM ? smtpSender(env.SMTP_URL, env.MAIL_FROM) : undefined,
    sms: twilioAccount && env.TWILIO_MESSAGING_SERVICE_SID ? twilioSmsSender({ ...twilioAccount, messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID }) : undefined,
  };
}
