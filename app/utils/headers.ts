import type { HeadersFunction } from "@remix-run/node";

/**
 * Remix builds a document's headers only from a route's `headers` export: this one passes on what the
 * loader and the action set (e.g. `Retry-After` on a 429).
 */
export const passOnHeaders: HeadersFunction = ({ loaderHeaders, actionHeaders, errorHeaders }) => {
  const headers = new Headers(loaderHeaders);
  for (const source of [actionHeaders, errorHeaders]) {
    source?.forEach((value, key) => headers.set(key, value));
  }
  return headers;
};

/** The header of an answer that asks to come back later (429, 503), when it says how much later. */
export function retryAfter(seconds: unknown): Record<string, string> | undefined {
  return typeof seconds === "number" ? { "Retry-After": String(Math.max(1, Math.ceil(seconds))) } : undefined;
}
