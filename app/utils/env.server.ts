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
  /**
   * The role that owns the schema: applies the migrations at start (and `npm run db:migrate`) and grants
   * DATABASE_URL's role what the app needs; the app never serves a request through it. Unset: DATABASE_URL's
   * role does both.
   */
  DATABASE_OWNER_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
      .optional(),
  ),
  PGLITE_DIR: z.string().trim().min(1).default("data/pglite"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Worker processes sharing the port; unset: one per core on PostgreSQL, one on the embedded database. */
  WEB_CONCURRENCY: optionalText.pipe(z.string().regex(/^\d+$/, "must be a whole number").transform(Number).pipe(z.number().int().min(1).max(64)).optional()),
  /** Signs the arrival tickets of the line shown when the server is full; several instances should share it. */
  ARRIVAL_SECRET: optionalText.pipe(z.string().min(32, "must have at least 32 characters").optional()),
  /** `off` turns the arrival line off (every request is served, however busy the process). */
  ARRIVAL_LINE: z.enum(["on", "off"]).default("on"),
  /** Event-loop utilisation (0–1) past which new arrivals are sent to the line; default 0.9. */
  ARRIVAL_LINE_UTILISATION: optionalText.pipe(z.string().regex(/^(0(\.\d+)?|1(\.0+)?)$/, "must be a number from 0 to 1").transform(Number).optional()),
  /** How many proxies in front of the app to trust for the client's address (Express "trust proxy"). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Seed the demo hospital into a new embedded database (never into a PostgreSQL server on its own). */
  SEED_DEMO: z.enum(["auto", "never"]).default("auto"),
  LOG_REQUESTS: z.enum(["0", "1"]).default("0"),
  /** Multiplies every rate limit's allowance (tests that act as many people from one address). */
  RATE_LIMIT_SCALE: z.coerce.number().int().min(1).max(10_000).default(1),
  /** Twilio Video: all three set → Twilio carries the calls; none → the built-in peer-to-peer provider. */
  TWILIO_ACCOUNT_SID: optionalText.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must look like AC followed by 32 hex digits").optional()),
  TWILIO_API_KEY_SID: optionalText.pipe(z.string().regex(/^SK[0-9a-fA-F]{32}$/, "must look like SK followed by 32 hex digits").optional()),
  TWILIO_API_KEY_SECRET: optionalText,
  /** Twilio Messaging (SMS reminders), with the three credentials above: the Messaging Service that sends them. */
  TWILIO_MESSAGING_SERVICE_SID: optionalText.pipe(z.string().regex(/^MG[0-9a-fA-F]{32}$/, "must look like MG followed by 32 hex digits").optional()),
  /** Email reminders: the SMTP server, smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465. */
  SMTP_URL: optionalText.pipe(z.string().regex(/^smtps?:\/\/[^/]+/, "must look like smtp://user:password@host:587 or smtps://…").optional()),
  /** The sender of those emails: "Yunzhen <clinic@hospital.example>". */
  MAIL_FROM: optionalText.pipe(z.string().regex(/^(.*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/, "must be an address, or a name and <address>").optional()),
  /** The app as patients reach it, for the links in messages (join links, the appointment's page). */
  PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: "must be an http:// or https:// address" }).optional()),
  /** Signs peer-to-peer join tickets; several app instances must share it. */
  JOIN_TICKET_SECRET: optionalText.pipe(z.string().min(32, "must have at least 32 characters").optional()),
  /** STUN/TURN servers for peer-to-peer calls, as JSON: [{"urls":"turn:turn.example:3478","username":"u","credential":"p"}]. */
  ICE_SERVERS: optionalText.pipe(
    z
      .string()
      .transform((value, ctx) => {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          ctx.addIssue({ code: "custom", message: "must be a JSON array of ICE servers" });
          return z.NEVER;
        }
      })
      .pipe(
        z.array(
          z.object({
            urls: z.union([z.string().regex(/^(stun|turns?):/), z.array(z.string().regex(/^(stun|turns?):/))]),
            username: z.string().optional(),
            credential: z.string().optional(),
          }),
        ),
      )
      .optional(),
  ),
})
  .refine(
    (env) => [env.TWILIO_ACCOUNT_SID, env.TWILIO_API_KEY_SID, env.TWILIO_API_KEY_SECRET].filter(Boolean).length % 3 === 0,
    { path: ["TWILIO_ACCOUNT_SID"], message: "set all three TWILIO_ variables, or none" },
  )
  .refine((env) => !env.TWILIO_MESSAGING_SERVICE_SID || env.TWILIO_ACCOUNT_SID, {
    path: ["TWILIO_MESSAGING_SERVICE_SID"],
    message: "needs TWILIO_ACCOUNT_SID, TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET too",
  })
  .refine((env) => Boolean(env.SMTP_URL) === Boolean(env.MAIL_FROM), {
    path: ["SMTP_URL"],
    message: "set SMTP_URL and MAIL_FROM together, or neither",
  })
  .refine((env) => !env.DATABASE_OWNER_URL || env.DATABASE_URL, {
    path: ["DATABASE_OWNER_URL"],
    message: "needs DATABASE_URL too (the app's own role); the embedded database has one role",
  });

export type Env = z.infer<typeof envSchema>;

/** Where links in messages point: PUBLIC_URL, else this server on localhost (right for trying it on one machine). */
export function publicUrl(env: Env): string {
  return env.PUBLIC_URL ?? `http://localhost:${env.PORT || 3000}`;
}

/**
 * How many worker processes serve: `WEB_CONCURRENCY`, else one per core on a PostgreSQL server. The
 * embedded database lives inside one process and stays one process; so does `npm run dev`.
 */
export function workerCount(env: Env, cores: number): { count: number; warning?: string } {
  if (!env.DATABASE_URL) {
    const warning = env.WEB_CONCURRENCY && env.WEB_CONCURRENCY > 1 ? "WEB_CONCURRENCY is ignored on the embedded database (it lives in one process)." : undefined;
    return { count: 1, warning };
  }
  if (env.WEB_CONCURRENCY) return { count: env.WEB_CONCURRENCY };
  return { count: env.NODE_ENV === "development" ? 1 : Math.max(1, cores) };
}

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
