import type { MessageKey } from "~/i18n";

/**
 * Failures a person can cause, each with its HTTP status and the dictionary key of the message shown
 * to them. Routes turn these into 4xx answers; anything else is a bug and becomes a 500.
 */
export class DomainError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429,
    readonly messageKey: MessageKey,
    readonly detail?: Record<string, unknown>,
  ) {
    super(messageKey);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(messageKey: MessageKey = "error.notFound") {
    super(404, messageKey);
  }
}

export class ForbiddenError extends DomainError {
  constructor(messageKey: MessageKey = "error.forbidden") {
    super(403, messageKey);
  }
}

export class ConflictError extends DomainError {
  constructor(messageKey: MessageKey, detail?: Record<string, unknown>) {
    super(409, messageKey, detail);
  }
}

export class InvalidRequestError extends DomainError {
  constructor(messageKey: MessageKey, detail?: Record<string, unknown>) {
    super(400, messageKey, detail);
  }
}

/** Whether `id` has the shape of our ids (a UUID): anything else names no record, and is never sent to the database. */
export function looksLikeId(id: string): boolean {
  return /^[0-9a-f-]{36}$/i.test(id);
}
