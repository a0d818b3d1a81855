import WebSocket from "ws";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_DOCTORS, DEMO_PASSWORD } from "~db/demo-hospital";
import { openConsultation } from "../helpers/consult-e2e";
import { accountIdIn, client } from "../helpers/http";
import { demoAdmin } from "../helpers/second-factor";

/**
 * One table drives the access test: every page, resource route, form action, socket and stream that
 * touches an appointment or the clinic, for every kind of actor. A record one may not know exists is a
 * 404; a place one's role may not enter is a 403; a visitor is sent to sign in (302), or refused (401/403)
 * where there is no page to send them to.
 */
const baseURL = inject("baseURL");
const ACTORS = ["anonymous", "patientA", "patientB", "doctorX", "doctorY", "staff", "admin"] as const;
type Actor = (typeof ACTORS)[number];
type Row = { what: string; request: (c: ReturnType<typeof client>, id: string) => Promise<number>; expect: Record<Actor, number> };

const get = (path: string) => async (c: ReturnType<typeof client>, id: string) => (await c.get(path.replace(":id", id))).status;
const post = (path: string, fields: Record<string, string>) => async (c: ReturnType<typeof client>, id: string) =>
  (await c.post(path.replace(":id", id), fields)).status;
const socket = async (c: ReturnType<typeof client>, id: string) =>
  new Promise<number>((resolve) => {
    const ws = new WebSocket(`${baseURL.replace("http", "ws")}/ws/signal?appointment=${id}`, { headers: c.cookie ? { Cookie: c.cookie } : {} });
    ws.on("open", () => {
      ws.close();
      resolve(101);
    });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", () => resolve(0));
  });
const stream = async (c: ReturnType<typeof client>) => {
  const abort = new AbortController();
  const response = await fetch(`${baseURL}/live/events`, { headers: c.cookie ? { Cookie: c.cookie } : {}, redirect: "manual", signal: abort.signal });
  abort.abort();
  return response.status;
};

/** The account of the room's doctor (doctorX), which the admin's edit page opens. */
let accountId = "";
const account = (path: string) => path.replace(":account", () => accountId);

const row = (what: string, request: Row["request"], codes: number[]): Row => ({
  what,
  request,
  expect: Object.fromEntries(ACTORS.map((a, i) => [a, codes[i]!])) as Record<Actor, number>,
});

//                                                                          anon  A    B    X    Y    staff admin
const MATRIX: Row[] = [
  row("GET my appointments", get("/appointments"), [302, 200, 200, 403, 403, 403, 403]),
  row("GET an appointment", get("/appointments/:id"), [302, 200, 404, 200, 404, 200, 200]),
  row("GET its calendar file", get("/appointments/:id/calendar.ics"), [302, 200, 404, 200, 404, 200, 200]),
  row("GET its reschedule page", get("/appointments/:id/reschedule"), [302, 200, 404, 403, 403, 200, 200]),
  row("POST a malformed reschedule", post("/appointments/:id/reschedule", { start: "not a time" }), [302, 400, 400, 400, 400, 400, 400]),
  row("POST a cancel without a reason", post("/appointments/:id", { reason: "" }), [302, 400, 400, 400, 400, 400, 400]),
  row("POST Take this time for no offer", post("/appointments", { intent: "take", offerId: "00000000-0000-4000-8000-000000000000" }), [302, 404, 404, 403, 403, 403, 403]),
  row("POST a malformed offer answer", post("/appointments", { intent: "maybe", offerId: "x" }), [302, 400, 400, 403, 403, 403, 403]),
  row("POST an attachment form with no file", post("/appointments/:id/attachments", {}), [302, 400, 404, 409, 404, 404, 404]),
  row("GET an attached file that does not exist", get("/attachments/00000000-0000-4000-8000-000000000000"), [302, 404, 404, 404, 404, 404, 404]),
  row("POST Invite a colleague who does not exist", post("/consult/:id", { intent: "inviteColleague", doctorId: "00000000-0000-4000-8000-000000000000" }), [302, 403, 404, 422, 404, 404, 404]),
  row("POST Remove a participant who does not exist", post("/consult/:id", { intent: "removeParticipant", participantId: "00000000-0000-4000-8000-000000000000" }), [302, 404, 404, 404, 404, 404, 404]),
  row("GET a guest link that does not exist", get(`/guest/${"A".repeat(43)}`), [404, 409, 409, 409, 409, 409, 409]),
  row("GET the consultation room", get("/consult/:id"), [302, 200, 404, 200, 404, 403, 403]),
  row("POST for a join token", post("/consult/:id/token", {}), [403, 200, 403, 200, 403, 403, 403]),
  row("the signalling socket", socket, [401, 101, 403, 101, 403, 403, 403]),
  row("POST a malformed note save", post("/consult/:id/note", { intent: "save", baseVersion: "x" }), [302, 403, 403, 400, 403, 403, 403]),
  row("the live event stream", (c) => stream(c), [302, 403, 403, 200, 200, 200, 200]),
  row("GET the clinic schedule", get("/clinic/schedule"), [302, 403, 403, 403, 403, 200, 200]),
  row("GET the schedule CSV", get("/clinic/schedule/csv"), [302, 403, 403, 403, 403, 200, 200]),
  row("GET the doctor's day", get("/doctor/today"), [302, 403, 403, 200, 200, 403, 403]),
  row("GET availability", get("/doctor/availability"), [302, 403, 403, 200, 200, 200, 200]),
  row("GET admin users", get("/admin/users"), [302, 403, 403, 403, 403, 403, 200]),
  row("POST a malformed new account", post("/admin/users", { role: "staff" }), [302, 403, 403, 403, 403, 403, 400]),
  row("GET an account's edit page", (c) => get(account("/admin/users/:account"))(c, ""), [302, 403, 403, 403, 403, 403, 200]),
  row("POST a malformed account edit", (c) => post(account("/admin/users/:account"), { nameZh: "" })(c, ""), [302, 403, 403, 403, 403, 403, 400]),
  row("GET the edit page of no account", get("/admin/users/00000000-0000-4000-8000-000000000000"), [302, 403, 403, 403, 403, 403, 404]),
  row("GET clinic settings", get("/admin/settings"), [302, 403, 403, 403, 403, 403, 200]),
  row("POST a deactivation of no one", post("/admin/users", { intent: "deactivate", userId: "00000000-0000-4000-8000-000000000000" }), [302, 403, 403, 403, 403, 403, 404]),
  row("GET two-step sign-in", get("/account/second-factor"), [302, 403, 403, 200, 200, 403, 200]),
  row("POST a code with no sign-in waiting for it", post("/login/code", { code: "123456" }), [302, 302, 302, 302, 302, 302, 302]),
  row("GET the audit trail", get("/admin/audit"), [302, 403, 403, 403, 403, 403, 200]),
  row("GET the audit trail's CSV", get("/admin/audit/csv"), [302, 403, 403, 403, 403, 403, 200]),
  row("GET the outbox", get("/admin/outbox"), [302, 403, 403, 403, 403, 403, 200]),
  row("POST reminders by SMS with no number", post("/account/password?form=reminders", { notifySms: "on" }), [302, 400, 400, 404, 404, 404, 404]),
];

const clients = {} as Record<Actor, ReturnType<typeof client>>;
let appointmentId = "";

beforeAll(async () => {
  const room = await openConsultation(baseURL);
  appointmentId = room.appointmentId;
  clients.anonymous = client(baseURL);
  clients.patientA = room.patient;
  clients.patientB = client(baseURL);
  await clients.patientB.register(`matrix-${crypto.randomUUID().slice(0, 8)}@test.example`);
  clients.doctorX = room.doctor;
  clients.doctorY = client(baseURL);
  await clients.doctorY.signIn(DEMO_DOCTORS[10]!.email, DEMO_PASSWORD);
  clients.staff = client(baseURL);
  await clients.staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
  clients.admin = await demoAdmin(baseURL);
  accountId = accountIdIn(await (await clients.admin.get("/admin/users")).text(), room.doctorEmail);
});

describe("the access-control matrix", () => {
  it.each(MATRIX.map((r) => [r.what, r] as const))("%s answers every actor as the table says", async (_what, r) => {
    const seen: Record<string, number> = {};
    for (const actor of ACTORS) seen[actor] = await r.request(clients[actor], appointmentId);
    expect(seen).toEqual(r.expect);
  });

  it("reveals nothing for an id that does not exist: the same answers as for a stranger's", async () => {
    const ghost = crypto.randomUUID();
    expect((await clients.patientA.get(`/appointments/${ghost}`)).status).toBe(404);
    expect((await clients.doctorX.get(`/consult/${ghost}`)).status).toBe(404);
    expect((await clients.patientA.post(`/consult/${ghost}/token`, {})).status).toBe(403);
    expect(await socket(clients.patientA, ghost)).toBe(403);
  });
});
