CREATE TYPE "public"."sex" AS ENUM('female', 'male', 'other');--> statement-breakpoint
CREATE TABLE "patient_profiles" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"birth_date" date,
	"sex" "sex",
	"allergies" text,
	"no_known_allergies" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "patient_profiles_allergies_or_none" CHECK (not ("patient_profiles"."no_known_allergies" and "patient_profiles"."allergies" is not null)),
	CONSTRAINT "patient_profiles_allergies_not_blank" CHECK ("patient_profiles"."allergies" is null or length(trim("patient_profiles"."allergies")) between 1 and 500),
	CONSTRAINT "patient_profiles_birth_date_sane" CHECK ("patient_profiles"."birth_date" is null or "patient_profiles"."birth_date" >= date '1900-01-01')
);
--> statement-breakpoint
ALTER TABLE "patient_profiles" ADD CONSTRAINT "patient_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;