CREATE TYPE "public"."participant_kind" AS ENUM('colleague', 'companion');--> statement-breakpoint
CREATE TYPE "public"."participant_status" AS ENUM('invited', 'waiting', 'admitted', 'removed');--> statement-breakpoint
ALTER TYPE "public"."role" ADD VALUE 'guest';--> statement-breakpoint
CREATE TABLE "consultation_participants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"appointment_id" uuid NOT NULL,
	"kind" "participant_kind" NOT NULL,
	"status" "participant_status" NOT NULL,
	"user_id" uuid,
	"invited_by" uuid NOT NULL,
	"token_hash" text,
	"invited_at" timestamp with time zone DEFAULT now() NOT NULL,
	"link_used_at" timestamp with time zone,
	"admitted_at" timestamp with time zone,
	"removed_at" timestamp with time zone,
	"removed_by" uuid,
	CONSTRAINT "consultation_participants_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "consultation_participants_colleague" CHECK ("consultation_participants"."kind" <> 'colleague' or ("consultation_participants"."user_id" is not null and "consultation_participants"."token_hash" is null)),
	CONSTRAINT "consultation_participants_companion" CHECK ("consultation_participants"."kind" <> 'companion' or "consultation_participants"."token_hash" is not null),
	CONSTRAINT "consultation_participants_account" CHECK (("consultation_participants"."user_id" is null) = ("consultation_participants"."kind" = 'companion' and "consultation_participants"."link_used_at" is null)),
	CONSTRAINT "consultation_participants_removed" CHECK (("consultation_participants"."status" = 'removed') = ("consultation_participants"."removed_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "consultation_participants" ADD CONSTRAINT "consultation_participants_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultation_participants" ADD CONSTRAINT "consultation_participants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultation_participants" ADD CONSTRAINT "consultation_participants_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultation_participants" ADD CONSTRAINT "consultation_participants_removed_by_users_id_fk" FOREIGN KEY ("removed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consultation_participants_appointment_idx" ON "consultation_participants" USING btree ("appointment_id");--> statement-breakpoint
CREATE INDEX "consultation_participants_user_idx" ON "consultation_participants" USING btree ("user_id") WHERE "consultation_participants"."user_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "consultation_participants_once" ON "consultation_participants" USING btree ("appointment_id","user_id") WHERE "consultation_participants"."status" <> 'removed';--> statement-breakpoint
CREATE UNIQUE INDEX "consultation_participants_one_companion" ON "consultation_participants" USING btree ("appointment_id") WHERE "consultation_participants"."kind" = 'companion' and "consultation_participants"."status" <> 'removed';