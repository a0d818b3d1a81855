CREATE TYPE "public"."attachment_kind" AS ENUM('image', 'pdf');--> statement-breakpoint
CREATE TYPE "public"."attachment_purpose" AS ENUM('visit', 'summary');--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"appointment_id" uuid NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"purpose" "attachment_purpose" NOT NULL,
	"kind" "attachment_kind" NOT NULL,
	"content_type" text NOT NULL,
	"file_name" text NOT NULL,
	"byte_size" integer NOT NULL,
	"width" integer,
	"height" integer,
	"content" "bytea" NOT NULL,
	"thumbnail" "bytea",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attachments_file_name_length" CHECK (char_length("attachments"."file_name") between 1 and 200),
	CONSTRAINT "attachments_byte_size" CHECK ("attachments"."byte_size" = octet_length("attachments"."content") and "attachments"."byte_size" > 0),
	CONSTRAINT "attachments_content_type" CHECK ("attachments"."content_type" in ('image/jpeg', 'image/png', 'application/pdf'))
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_appointment_idx" ON "attachments" USING btree ("appointment_id","created_at");