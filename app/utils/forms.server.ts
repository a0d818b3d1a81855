import type { z } from "zod";
import { fieldErrors, type FieldErrors } from "~/features/accounts/schemas.server";

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** Parses a form post with a Zod schema; errors come back as dictionary keys per field. */
export async function parseForm<S extends z.ZodType>(request: Request, schema: S): Promise<Parsed<z.infer<S>>> {
  const formData = await request.formData();
  const values: Record<string, unknown> = {};
  for (const [key, value] of formData) {
    if (typeof value === "string") values[key] = value;
  }
  const result = schema.safeParse(values);
  return result.success ? { ok: true, data: result.data } : { ok: false, errors: fieldErrors(result.error) };
}
