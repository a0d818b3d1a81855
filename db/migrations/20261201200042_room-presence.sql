CREATE TABLE "room_presence" (
	"socket_id" uuid PRIMARY KEY NOT NULL,
	"appointment_id" uuid NOT NULL,
	"connected_at" timestamp with time zone NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "room_presence_in_order" CHECK ("room_presence"."seen_at" >= "room_presence"."connected_at" and ("room_presence"."closed_at" is null or "room_presence"."closed_at" >= "room_presence"."connected_at"))
);
--> statement-breakpoint
ALTER TABLE "room_presence" ADD CONSTRAINT "room_presence_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "room_presence_appointment_idx" ON "room_presence" USING btree ("appointment_id");--> statement-breakpoint
CREATE INDEX "room_presence_open_idx" ON "room_presence" USING btree ("seen_at") WHERE "room_presence"."closed_at" is null;