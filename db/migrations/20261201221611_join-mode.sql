CREATE TYPE "public"."join_mode" AS ENUM('video', 'voice', 'chat');--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "join_mode" "join_mode";