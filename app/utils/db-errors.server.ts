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

export function sqlState(error: unknown): string | undefined {
  return pgError(error)?.code;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = pgError(error);
  if (pg?.code !== "23505") return false;
  if (!constraint) return true;
  return (pg.constraint ?? pg.constraint_name) === constraint;
}
