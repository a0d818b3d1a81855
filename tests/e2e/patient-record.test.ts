import { describe, expect, inject, it } from "vitest";
import { openConsultation } from "../helpers/consult-e2e";
import { demoAdmin } from "../helpers/second-factor";

const baseURL = inject("baseURL");

describe("who the patient is, in the doctor's room (issue 15 item 5)", () => {
  it("shows the appointment's doctor the age, sex and allergies the patient stated on their account page, audited; not the patient's own room", async () => {
    const room = await openConsultation(baseURL);
    // Right after booking, a patient who never said is asked; once they have, no longer.
    const askedAfterBooking = async () => (await (await room.patient.get(`/appointments/${room.appointmentId}?booked=1`)).text()).includes("Your doctor will want to know");
    expect(await askedAfterBooking()).toBe(true);
    const profilePage = await room.patient.get("/account/profile");
    expect(profilePage.status).toBe(200);
    expect(await profilePage.text()).toContain("Date of birth");

    // A mistake is answered 400 with the reason beside the field, and nothing is saved.
    const refused = await room.patient.post("/account/profile", { birthDate: "1985-07-20", sex: "female", allergies: "Penicillin: rash", noKnownAllergies: "on" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("not both");
    const saved = await room.patient.post("/account/profile", { birthDate: "1985-07-20", sex: "female", allergies: "Penicillin: rash", noKnownAllergies: "" });
    expect(saved.status).toBe(200);
    expect(await askedAfterBooking()).toBe(false);

    const doctorView = await (await room.doctor.get(`/consult/${room.appointmentId}`)).text();
    expect(doctorView).toContain("Allergies: Penicillin: rash");
    expect(doctorView).toMatch(/\d+ y · Female/);
    expect(doctorView).toContain("Earlier visits");
    const patientView = await (await room.patient.get(`/consult/${room.appointmentId}`)).text();
    expect(patientView).not.toContain("Penicillin");

    // Other people's accounts have no health profile page.
    expect((await room.doctor.get("/account/profile")).status).toBe(403);

    const admin = await demoAdmin(baseURL);
    const audit = await (await admin.get(`/admin/audit?action=patient_record.viewed`)).text();
    expect(audit).toContain(room.appointmentId.slice(0, 8));
  });
});
