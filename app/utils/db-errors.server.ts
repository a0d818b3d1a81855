/** drizzle wraps driver errors; the SQLSTATE and constraint name sit on the error or its cause. */
function pgError(error: unknown): { code?: string; constraint?: string; constraint_name?: string } | null {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current && typeof current === "object"; depth++) {
    const candidate = current as { code?: unknown; cause?: unknown };
    if (typeof candidate.code === "string" && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return candidate as { code?: string; constraint?: string; constraint_name?: string };
    }
    current = candidate.cause;
  }
  return null;
}

/**
 * An error as the server's log shows it. A failed query's text is kept, but never its parameters (drizzle
 * puts them in its message: "params: …") nor PostgreSQL's own message and detail, which quote the value
 * they refused ('invalid input syntax for type uuid: "…"', 'Key (email)=(…) already exists'): a log must
 * not carry what a patient typed. What stays: the SQLSTATE, the constraint, table and column names, and
 * where it happened (the stack's frames). Any other error is shown as it is.
 */
export function describeError(error: unknown): string {
  const query = queryOf(error);
  const pg = pgError(error) as (Record<string, unknown> & { code?: string }) | null;
  if (!query && !pg) return error instanceof Error ? (error.stack ?? String(error)) : String(error);
  const names = ["constraint", "constraint_name", "table", "table_name", "column", "column_name", "routine"]
    .filter((key) => typeof pg?.[key] === "string")
    .map((key) => `${key.replace(/_name$/, "")} ${String(pg![key])}`);
  const summary = [`Database error ${pg?.code ?? "(no SQLSTATE)"}`, ...names].join(", ");
  const frames = error instanceof Error ? (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line)) : [];
  return [query ? `${summary} in: ${query.slice(0, 500)}` : summary, ...frames].join("\n");
}

/** The query text of drizzle's DrizzleQueryError (which has no name of its own): placeholders, no values. */
function queryOf(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current && typeof current === "object"; depth++) {
    const candidate = current as { query?: unknown; params?: unknown; cause?: unknown };
    if (typeof candidate.query === "string" && Array.isArray(candidate.params)) return candidate.query;
    current = candidate.cause;
  }
  return null;
}

/** Logs an error the server did not expect, as `describeError` shows it. */
export function logError(error: unknown) {
  console.error(describeError(error));
}

export function sqlState(error: unknown): string | undefined {
  return pgError(error)?.code;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = pgError(error);
  if (pg?.code !== "23505") return false;
  if (!constraint) return true;
  return (pg.constraint ?? pg.constraint_name) === constraint;
}

/**
 * Codes that mean "the database cannot be reached right now" rather than "this query is wrong":
 * postgres.js connection codes, socket errors, SQLSTATE class 08 (connection exception) and the
 * shutdown/startup states 57P01–57P03 a restarting server answers with.
 */
const UNAVAILABLE = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "57P01",
  "57P02",
  "57P03",
]);

/** True when the error (or what it wraps) says the database is down or restarting. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (UNAVAILABLE.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * True when PostgreSQL refused text it cannot store (a NUL character, an invalid byte sequence): the
 * person's input was at fault, not the server.
 */
export function isUnstorableText(error: unknown): boolean {
  const code = sqlState(error);
  return code === "22021" || code === "22P05";
}
