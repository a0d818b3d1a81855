-- The chain's lock leaves the writers' transactions: at 9 am every audited write (sign-in, check-in,
-- admission, call token, note viewed) queued on it from its insert to its commit's disk flush, one at a
-- time for the whole cluster, and it was the surge's first bottleneck. Now an insert only stamps the time;
-- audit_seal(), which every app process calls twice a second, links the rows that have committed into the
-- chain in one short transaction under the same lock. The admin's pages page by (time, id) instead of the
-- chain's position, which a row gets only when linked.
DROP INDEX "audit_events_at_idx";--> statement-breakpoint
DROP INDEX "audit_events_actor_idx";--> statement-breakpoint
DROP INDEX "audit_events_patient_idx";--> statement-breakpoint
DROP INDEX "audit_events_action_idx";--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "seq" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "prev_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "hash" DROP NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_events_unsealed_idx" ON "audit_events" USING btree ("id") WHERE "audit_events"."seq" is null;--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_id","at","id") WHERE "audit_events"."actor_id" is not null;--> statement-breakpoint
CREATE INDEX "audit_events_patient_idx" ON "audit_events" USING btree ("patient_id","at","id") WHERE "audit_events"."patient_id" is not null;--> statement-breakpoint
CREATE INDEX "audit_events_action_idx" ON "audit_events" USING btree ("action","at","id");--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  NEW.at := now();
  NEW.seq := NULL;
  NEW.prev_hash := NULL;
  NEW.hash := NULL;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
-- Append-only still, with one exception: a row not yet linked may be linked, once, by audit_seal(), which
-- changes nothing else of it.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
     AND current_setting('yunzhen.sealing', true) = 'on'
     AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor_role, NEW.action, NEW.entity_type, NEW.entity_id, NEW.patient_id, NEW.client_address, NEW.detail)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.at, OLD.actor_id, OLD.actor_role, OLD.action, OLD.entity_type, OLD.entity_id, OLD.patient_id, OLD.client_address, OLD.detail) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
-- Links up to `batch` committed rows into the chain, in id order, and says how many. One sealer at a time
-- for the whole cluster (the others return 0 at once); it runs as the table's owner, so the role that
-- serves requests needs no UPDATE on the trail.
CREATE FUNCTION audit_seal(batch integer DEFAULT 1000) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  last_seq bigint;
  last_hash text;
  r audit_events;
  n integer := 0;
BEGIN
  IF NOT pg_try_advisory_xact_lock(721620260001) THEN
    RETURN 0;
  END IF;
  SELECT seq, hash INTO last_seq, last_hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
  last_seq := coalesce(last_seq, 0);
  last_hash := coalesce(last_hash, repeat('0', 64));
  PERFORM set_config('yunzhen.sealing', 'on', true);
  FOR r IN SELECT * FROM audit_events WHERE seq IS NULL ORDER BY id LIMIT batch LOOP
    last_seq := last_seq + 1;
    r.seq := last_seq;
    r.prev_hash := last_hash;
    last_hash := audit_event_hash(r);
    UPDATE audit_events SET seq = r.seq, prev_hash = r.prev_hash, hash = last_hash WHERE id = r.id;
    n := n + 1;
  END LOOP;
  PERFORM set_config('yunzhen.sealing', 'off', true);
  RETURN n;
END;
$$;
