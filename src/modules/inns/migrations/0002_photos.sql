CREATE TABLE "inn_photos" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"inn_id" uuid NOT NULL,
	"room_id" uuid,
	"storage_key" text NOT NULL,
	"thumb_key" text NOT NULL,
	"content_type" text NOT NULL,
	"bytes" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"caption" text DEFAULT '' NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inn_photos_type_check" CHECK (content_type in ('image/jpeg', 'image/png', 'image/webp'))
);
--> statement-breakpoint
ALTER TABLE "inn_photos" ADD CONSTRAINT "inn_photos_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_photos" ADD CONSTRAINT "inn_photos_inn_id_inns_id_fk" FOREIGN KEY ("inn_id") REFERENCES "public"."inns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_photos" ADD CONSTRAINT "inn_photos_room_id_inn_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."inn_rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_photos" ADD CONSTRAINT "inn_photos_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inn_photos_inn_idx" ON "inn_photos" USING btree ("inn_id");