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
