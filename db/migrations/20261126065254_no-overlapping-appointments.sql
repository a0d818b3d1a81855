-- Nothing is double-booked: the database refuses two active appointments of one doctor, or of one
-- patient, whose times overlap. Cancelled rows free their time. Ranges are half-open, so back-to-back
-- appointments (09:00–09:15, 09:15–09:30) are allowed.
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_no_doctor_overlap"
  EXCLUDE USING gist ("doctor_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("status" <> 'cancelled');
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_no_patient_overlap"
  EXCLUDE USING gist ("patient_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("status" <> 'cancelled');
