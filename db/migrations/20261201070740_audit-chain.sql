-- The audit trail becomes a hash chain, and learns the actor's role and the patient concerned.
-- Written by hand around what drizzle-kit generated: existing rows are chained (in id order) before the
-- new columns become NOT NULL, and the trigger that stamps every new row is created.
ALTER TABLE "audit_events" ADD COLUMN "actor_role" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "patient_id" uuid;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "hash" text;--> statement-breakpoint
-- What a link's hash covers: every column, in a fixed order, as jsonb text (canonical whatever the
-- session's settings; times in UTC to the microsecond). `npm run audit:verify` recomputes the same text
-- with its own copy of this expression: it never trusts a function stored in the database it checks.
CREATE FUNCTION audit_event_hash(e audit_events) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.jsonb_build_array(
    e.seq, e.id, pg_catalog.to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_id, e.actor_role, e.action, e.entity_type, e.entity_id, e.patient_id, e.client_address,
    e.detail, e.prev_hash
  )::text, 'UTF8')), 'hex')
$$;
--> statement-breakpoint
-- Rows written before the chain: the role and patient where they can be known, then one link each.
ALTER TABLE "audit_events" DISABLE TRIGGER audit_events_no_update_or_delete;--> statement-breakpoint
UPDATE "audit_events" e SET actor_role = u.role::text FROM "users" u WHERE u.id = e.actor_id;--> statement-breakpoint
UPDATE "audit_events" e SET patient_id = a.patient_id FROM "appointments" a
  WHERE e.entity_type IN ('appointment', 'consult_note', 'consultation') AND a.id::text = e.entity_id;--> statement-breakpoint
DO $$
DECLARE
  r audit_events;
  n bigint := 0;
  previous text := repeat('0', 64);
BEGIN
  FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
    n := n + 1;
    r.seq := n;
    r.prev_hash := previous;
    previous := audit_event_hash(r);
    UPDATE audit_events SET seq = r.seq, prev_hash = r.prev_hash, hash = previous WHERE id = r.id;
  END LOOP;
END $$;
--> statement-breakpoint
ALTER TABLE "audit_events" ENABLE TRIGGER audit_events_no_update_or_delete;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "seq" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "prev_hash" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "hash" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_seq_key" ON "audit_events" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at","seq");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_id","at","seq") WHERE "audit_events"."actor_id" is not null;--> statement-breakpoint
CREATE INDEX "audit_events_patient_idx" ON "audit_events" USING btree ("patient_id","at","seq") WHERE "audit_events"."patient_id" is not null;--> statement-breakpoint
CREATE INDEX "audit_events_action_idx" ON "audit_events" USING btree ("action","at","seq");--> statement-breakpoint
-- Every new row: the database stamps its time, its place in the chain and its hash, whatever the insert
-- said. Writers queue on one transaction-scoped advisory lock, so the chain stays one line however many
-- write at once; the lock is held from the audit insert (the last statement of every audited write) to
-- commit. Under READ COMMITTED each statement here sees the rows committed before the lock was granted;
-- the unique index on seq turns any other outcome into an error rather than a fork.
-- Named to fire last of the BEFORE INSERT triggers (they fire in name order): nothing changes the row
-- after it is hashed.
CREATE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(721620260001);
  SELECT seq, hash INTO last_seq, last_hash FROM audit_events ORDER BY seq DESC LIMIT 1;
  NEW.at := now();
  NEW.seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
  NEW.hash := audit_event_hash(NEW);
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER zz_audit_events_chain
  BEFORE INSERT ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
