const MINUTE = 60_000;

export type JoinWindowSettings = { joinOpensMinutesBefore: number; joinClosesMinutesAfter: number };

/** When an appointment's consultation can be joined: from some minutes before its start to some after its end. */
export function joinWindow(appointment: { startsAt: Date; endsAt: Date }, settings: JoinWindowSettings) {
  return {
    opensAt: new Date(appointment.startsAt.getTime() - settings.joinOpensMinutesBefore * MINUTE),
    closesAt: new Date(appointment.endsAt.getTime() + settings.joinClosesMinutesAfter * MINUTE),
  };
}

export function isInside(window: { opensAt: Date; closesAt: Date }, now: Date) {
  return now >= window.opensAt && now < window.closesAt;
}

/** A patient is offered the way into the room this long before it opens, with a countdown. */
export const JOIN_PROMPT_LEAD_MINUTES = 60;

export type JoinPrompt = { state: "open"; closesAt: Date } | { state: "soon"; opensAt: Date };

/**
 * What a patient's pages say about joining an appointment's consultation now: "open" inside the join
 * window, "soon" within the hour before it opens (with a countdown), nothing otherwise. For an appointment
 * still ahead or under way; finished ones have no room to join.
 */
export function joinPrompt(window: { opensAt: Date; closesAt: Date }, now: Date): JoinPrompt | null {
  if (isInside(window, now)) return { state: "open", closesAt: window.closesAt };
  const lead = window.opensAt.getTime() - now.getTime();
  if (lead > 0 && lead <= JOIN_PROMPT_LEAD_MINUTES * MINUTE) return { state: "soon", opensAt: window.opensAt };
  return null;
}

/** A prompt as page data (dates as ISO text). */
export function promptData(prompt: JoinPrompt | null) {
  if (!prompt) return null;
  return prompt.state === "open"
    ? { state: "open" as const, closesAt: prompt.closesAt.toISOString() }
    : { state: "soon" as const, opensAt: prompt.opensAt.toISOString() };
}
