import { z } from "zod";
import type { MessageKey } from "~/i18n";

const message = (key: MessageKey) => ({ error: key });

/** A code typed at the second step: six digits, or a recovery code (spaces and dashes allowed). */
const code = z
  .string(message("error.codeRequired"))
  .trim()
  .min(1, message("error.codeRequired"))
  .max(40, message("error.codeWrong"));

export const secondStepForm = z.object({ code, redirectTo: z.string().optional() });

export const secondFactorForm = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("enable"), secret: z.string().max(64), code, redirectTo: z.string().optional() }),
    z.object({
      intent: z.literal("disable"),
      password: z.string(message("error.passwordRequired")).min(1, message("error.passwordRequired")).max(200),
    }),
  ],
  message("error.form"),
);
