-- Why a booking inserted nothing: the same form's earlier booking (a retry), or whether the patient already
-- holds a time that overlaps. The booking statement calls it, in the same round trip, only when its insert
-- gave way. VOLATILE on purpose: each query in it takes a fresh snapshot, so it sees the row that won the
-- race, committed while the insert waited for it, which the calling statement's own snapshot cannot.
CREATE OR REPLACE FUNCTION booking_refusal(p_patient uuid, p_key text, p_starts timestamptz, p_ends timestamptz)
RETURNS TABLE (previous uuid, patient_busy boolean)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public AS $$
BEGIN
  RETURN QUERY SELECT
    (SELECT a.id FROM appointments a WHERE a.patient_id = p_patient AND a.idempotency_key = p_key),
    EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = p_patient AND a.status <> 'cancelled'
      AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(p_starts, p_ends, '[)'));
END;
$$;
--> statement-breakpoint
-- A booking takes the patient's own open offer of that time ("Take this time", or the form). Called by the
-- booking statement once per row it inserted, so a booking that gave way (49 of 50 in a race for one time)
-- never opens the waitlist's tables for writing: as two UPDATEs in that statement it cost every loser
-- about as much again as the insert itself. Answers the accepted offer's id, when there was one.
CREATE OR REPLACE FUNCTION waitlist_take_own_offer(p_appointment uuid, p_patient uuid, p_doctor uuid, p_starts timestamptz, p_now timestamptz)
RETURNS TABLE (id uuid)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public AS $$
DECLARE
  v_offer uuid;
  v_request uuid;
BEGIN
  UPDATE waitlist_offers o SET status = 'accepted', appointment_id = p_appointment, answered_at = p_now, updated_at = p_now
    WHERE o.patient_id = p_patient AND o.doctor_id = p_doctor AND o.starts_at = p_starts AND o.status = 'open'
    RETURNING o.id, o.request_id INTO v_offer, v_request;
  IF v_offer IS NULL THEN
    RETURN;
  END IF;
  UPDATE waitlist_requests r SET status = 'fulfilled', updated_at = p_now WHERE r.id = v_request AND r.status = 'waiting';
  id := v_offer;
  RETURN NEXT;
END;
$$;
