/**
 * What a session opened by a personal join link may open: its appointment's consultation room (the page,
 * its data, the call token), the language switch and signing out. Every other path sees nobody signed
 * in, so the link shows nothing else of the patient (their other appointments, their account).
 */
export function joinSessionMayOpen(pathname: string, appointmentId: string): boolean {
  const room = `/consult/${appointmentId}`;
  return pathname === room || pathname.startsWith(`${room}/`) || pathname === "/logout" || pathname === "/locale";
}
