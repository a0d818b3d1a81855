import { json } from "@remix-run/node";
import type { MessageKey } from "~/i18n";
import { DomainError } from "./errors";
import { retryAfter } from "./headers";

export type FailureData = {
  ok: false;
  formError: MessageKey;
  errors: Partial<Record<string, MessageKey>>;
  detail?: Record<string, unknown>;
};

/** A failure the person caused, as a 4xx answer to an action; anything else is rethrown (a 500). */
export function failure(error: unknown) {
  if (error instanceof DomainError) {
    const wait = error.detail?.retryAfterSeconds;
    return json<FailureData>(
      { ok: false, formError: error.messageKey, errors: {}, detail: error.detail },
      { status: error.status, headers: retryAfter(wait) },
    );
  }
  throw error;
}

/** For loaders: a DomainError becomes the friendly error page with its status. */
export function orErrorPage<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((error: unknown) => {
    if (error instanceof DomainError) throw new Response(error.messageKey, { status: error.status });
    throw error;
  });
}
