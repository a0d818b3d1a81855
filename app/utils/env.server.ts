import { z } from "zod";

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default("0.0.0.0"),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
      .optional(),
  ),
  PGLITE_DIR: z.string().trim().min(1).default("data/pglite"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** How many proxies in front of the app to trust for the client's address (Express "trust proxy"). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Seed the demo hospital into a new embedded database (never into a PostgreSQL server on its own). */
  SEED_DEMO: z.enum(["auto", "never"]).default("auto"),
  LOG_REQUESTS: z.enum(["0", "1"]).default("0"),
});

export type Env = z.infer<typeof envSchema>;

/**
 * Reads and checks the environment once, at boot. A bad value stops the start with a message that names
 * the variable, so a misconfigured deploy never half-starts.
 */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => `  ${issue.path.join(".") || "(environment)"}: ${issue.message}`)
    .join("\n");
  throw new EnvError(`Invalid environment:\n${problems}`);
}

export class EnvError extends Error {
  override name = "EnvError";
}
