CREATE TYPE "public"."offer_status" AS ENUM('open', 'accepted', 'declined', 'lapsed');--> statement-breakpoint
CREATE TYPE "public"."waitlist_status" AS ENUM('waiting', 'fulfilled', 'withdrawn');--> statement-breakpoint
ALTER TYPE "public"."message_kind" ADD VALUE 'slot_offered';--> statement-breakpoint
CREATE TABLE "waitlist_offers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"doctor_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"status" "offer_status" DEFAULT 'open' NOT NULL,
	"appointment_id" uuid,
	"answered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "waitlist_offers_order" CHECK ("waitlist_offers"."starts_at" < "waitlist_offers"."ends_at"),
	CONSTRAINT "waitlist_offers_answered" CHECK (("waitlist_offers"."status" = 'open') = ("waitlist_offers"."answered_at" is null))
);
--> statement-breakpoint
CREATE TABLE "waitlist_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"doctor_id" uuid NOT NULL,
	"from_at" timestamp with time zone NOT NULL,
	"until_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"status" "waitlist_status" DEFAULT 'waiting' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "waitlist_requests_range" CHECK ("waitlist_requests"."from_at" < "waitlist_requests"."until_at"),
	CONSTRAINT "waitlist_requests_reason_length" CHECK (char_length("waitlist_requests"."reason") between 5 and 500)
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "offer_id" uuid;--> statement-breakpoint
ALTER TABLE "waitlist_offers" ADD CONSTRAINT "waitlist_offers_request_id_waitlist_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."waitlist_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_offers" ADD CONSTRAINT "waitlist_offers_patient_id_users_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_offers" ADD CONSTRAINT "waitlist_offers_doctor_id_doctors_id_fk" FOREIGN KEY ("doctor_id") REFERENCES "public"."doctors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_offers" ADD CONSTRAINT "waitlist_offers_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_requests" ADD CONSTRAINT "waitlist_requests_patient_id_users_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_requests" ADD CONSTRAINT "waitlist_requests_doctor_id_doctors_id_fk" FOREIGN KEY ("doctor_id") REFERENCES "public"."doctors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "waitlist_offers_one_open_per_time" ON "waitlist_offers" USING btree ("doctor_id","starts_at") WHERE "waitlist_offers"."status" = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "waitlist_offers_once_per_request" ON "waitlist_offers" USING btree ("request_id","starts_at");--> statement-breakpoint
CREATE INDEX "waitlist_offers_patient_idx" ON "waitlist_offers" USING btree ("patient_id","status");--> statement-breakpoint
CREATE INDEX "waitlist_offers_expiry_idx" ON "waitlist_offers" USING btree ("expires_at") WHERE "waitlist_offers"."status" = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "waitlist_requests_one_waiting" ON "waitlist_requests" USING btree ("patient_id","doctor_id") WHERE "waitlist_requests"."status" = 'waiting';--> statement-breakpoint
CREATE INDEX "waitlist_requests_doctor_idx" ON "waitlist_requests" USING btree ("doctor_id","created_at") WHERE "waitlist_requests"."status" = 'waiting';--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_offer_id_waitlist_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."waitlist_offers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_one_source" CHECK (num_nonnulls("outbox"."appointment_id", "outbox"."offer_id") = 1);