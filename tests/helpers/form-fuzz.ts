import fc from "fast-check";
import { expect } from "vitest";
import type { openConsultation } from "./consult-e2e";
import type { client } from "./http";

type Client = ReturnType<typeof client>;
type Room = Awaited<ReturnType<typeof openConsultation>>;

/** One form action: where it is posted, the fields it reads, and the people who may send it. */
type FormTarget = { path: string; names: readonly string[]; senders: Record<string, () => Client> };

/**
 * Every form action of the app, posted by its rightful sender and by people who have no business there.
 * `anonymous` must give a new client each time: a registration or sign-in that happens to succeed
 * keeps its cookie in that client only.
 */
export function formTargets(
  room: Room,
  people: { anonymous: () => Client; stranger: Client; otherDoctor: Client; staff: Client; admin: Client },
): FormTarget[] {
  const patient = () => room.patient;
  const doctor = () => room.doctor;
  const { anonymous } = people;
  const stranger = () => people.stranger;
  const otherDoctor = () => people.otherDoctor;
  const staff = () => people.staff;
  const admin = () => people.admin;
  const appointment = `/appointments/${room.appointmentId}`;
  const consult = `/consult/${room.appointmentId}`;
  return [
    { path: "/login", names: ["email", "password", "redirectTo"], senders: { anonymous } },
    { path: "/login/code", names: ["code", "redirectTo"], senders: { anonymous } },
    { path: "/account/second-factor", names: ["intent", "secret", "code", "password", "redirectTo"], senders: { staff, stranger } },
    { path: "/register", names: ["email", "password", "fullName", "timeZone"], senders: { anonymous } },
    { path: "/locale", names: ["locale", "redirectTo"], senders: { anonymous, patient } },
    { path: appointment, names: ["reason"], senders: { anonymous, patient, stranger, doctor } },
    { path: `${appointment}/reschedule`, names: ["start"], senders: { patient, stranger } },
    { path: consult, names: ["intent"], senders: { patient, doctor, stranger } },
    { path: `${consult}/note`, names: ["intent", "baseVersion", "subjective", "diagnosis", "body"], senders: { doctor, otherDoctor, patient } },
    {
      path: "/doctor/availability",
      names: ["intent", "weekday", "start", "end", "slotMinutes", "effectiveFrom", "effectiveUntil", "startDate", "endDate", "startTime", "endTime", "note", "id"],
      senders: { doctor, staff, patient },
    },
    // As the booking page posts it: the page's loader runs again for a refused form and needs `start`.
    {
      path: `/doctors/${room.doctorId}/book?start=${encodeURIComponent(room.startsAt)}`,
      names: ["start", "reason", "symptoms", "idempotencyKey", "choose", "back", "taken"],
      senders: { patient, stranger, doctor },
    },
    { path: "/admin/users", names: ["role", "email", "password", "fullName", "nameEn", "departmentId", "title"], senders: { admin, staff } },
    // Deactivation and resets, by someone who may not: the admin's own real ones are end-to-end tests.
    { path: "/admin/users", names: ["intent", "userId"], senders: { staff, otherDoctor } },
    { path: "/account/password", names: ["currentPassword", "newPassword"], senders: { stranger, anonymous } },
  ];
}

/** The intents that act for real: on the appointment, its note, or the doctor's hours. */
export const REAL_INTENTS = ["checkIn", "admit", "end", "noShow", "save", "sign", "addendum", "addRule", "addTimeOff", "addExtra", "removeRule", "removeException"];

/** Anything at all: empty, markup, SQL, NUL, very long, impossible dates, any Unicode. */
const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.constantFrom("", " ", "<script>alert(1)</script>", "'; drop table users; --", "\u0000", "9".repeat(5000), "2031-02-30T25:61:00Z", "-1", "NaN"),
);

type Sent = { path: string; sender: string; form: Record<string, string>; status: number; rejected: boolean };

/** Refused: a 4xx, or an anonymous request sent to sign in first (not on to the second step). */
function isRejection(response: Response) {
  if (response.status >= 400 && response.status < 500) return true;
  const location = response.headers.get("Location") ?? "";
  return response.status >= 300 && response.status < 400 && (location === "/login" || location.startsWith("/login?"));
}

const short = (form: Record<string, string>) =>
  JSON.stringify(Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v])));

/**
 * Posts arbitrary forms to `targets` and expects every answer below 500. Returns what was sent.
 *
 * - `plausible`: values close to valid for a field of a target, mixed in with the arbitrary ones, so that
 *   requests get past parsing and are refused (or accepted) by the checks behind it.
 * - `keep`: vetoes a request before it is sent.
 * - `watch`: runs `before` ahead of each request and `afterRejection` after each refused one.
 */
export async function fuzzForms<Snapshot>(options: {
  targets: FormTarget[];
  numRuns: number;
  plausible?: (path: string, field: string) => readonly string[] | undefined;
  keep?: (path: string, form: Record<string, string>) => boolean;
  watch?: {
    before: () => Promise<Snapshot>;
    afterRejection: (before: Snapshot, refused: { what: string; path: string; status: number; body: string }) => Promise<void>;
  };
}): Promise<Sent[]> {
  const { targets, plausible, keep = () => true, watch } = options;
  const field = (path: string, name: string) => {
    const near = plausible?.(path, name);
    return near?.length ? fc.oneof({ arbitrary: anyText, weight: 1 }, { arbitrary: fc.constantFrom(...near), weight: 4 }) : anyText;
  };
  const request = fc.nat(targets.length - 1).chain((index) => {
    const target = targets[index]!;
    const fields = Object.fromEntries(target.names.map((n) => [n, field(target.path, n)])) as Record<string, fc.Arbitrary<string>>;
    // With plausible values, also send complete forms now and then: a missing field is refused at once.
    const form = plausible ? fc.oneof(fc.record(fields, { requiredKeys: [] }), fc.record(fields)) : fc.record(fields, { requiredKeys: [] });
    return fc.tuple(fc.constant(index), fc.constantFrom(...Object.keys(target.senders)), form);
  });
  const sent: Sent[] = [];
  await fc.assert(
    fc.asyncProperty(request, async ([index, sender, partial]) => {
      const target = targets[index]!;
      const form = partial as Record<string, string>;
      if (!keep(target.path, form)) return;
      const what = `POST ${target.path} by ${sender} ${short(form)}`;
      const before = watch ? await watch.before() : undefined;
      const response = await target.senders[sender]!().post(target.path, form);
      const rejected = isRejection(response);
      const body = await response.text();
      sent.push({ path: target.path, sender, form, status: response.status, rejected });
      expect(response.status, what).toBeLessThan(500);
      if (watch && rejected) await watch.afterRejection(before as Snapshot, { what: `${response.status} to ${what}`, path: target.path, status: response.status, body });
    }),
    { numRuns: options.numRuns },
  );
  return sent;
}
