import { z } from "zod";
import { bookingForm, localDate } from "~/features/booking/schemas.server";
import type { MessageKey } from "~/i18n";

const message = (key: MessageKey) => ({ error: key });

/** The profile's waitlist form: "Tell me about earlier times" (dates and the reason to book with), or "Stop waiting". */
export const waitlistForm = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("join"), from: localDate, to: localDate, reason: bookingForm.shape.reason }),
    z.object({ intent: z.literal("leave") }),
  ],
  message("error.form"),
);

/** An offer's answer: "Take this time" or "No thanks". */
export const offerAnswerForm = z.object({
  intent: z.enum(["take", "decline"], message("error.form")),
  offerId: z.uuid(message("waitlist.offerNotFound")),
});
