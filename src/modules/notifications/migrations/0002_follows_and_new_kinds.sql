CREATE TABLE "notification_follows" (
	"id" uuid NOT NULL,
	"county_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_follows_id_county_id_pk" PRIMARY KEY("id","county_id")
);
--> statement-breakpoint
ALTER TABLE "notification_preferences" DROP CONSTRAINT "notification_preferences_kind_check";--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_check";--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "once_key" text;--> statement-breakpoint
ALTER TABLE "notification_follows" ADD CONSTRAINT "notification_follows_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_follows" ADD CONSTRAINT "notification_follows_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notification_follows_unique" ON "notification_follows" USING btree ("county_id","topic","user_id");--> statement-breakpoint
CREATE INDEX "notification_follows_user_idx" ON "notification_follows" USING btree ("county_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_once_unique" ON "notifications" USING btree ("county_id","user_id","once_key");--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_kind_check" CHECK (kind in ('order.new', 'order.shipped', 'order.refunded', 'delivery.made', 'booking.made', 'booking.cancelled', 'proposal.step', 'vote.closing', 'live.starting'));--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK (kind in ('order.new', 'order.shipped', 'order.refunded', 'delivery.made', 'booking.made', 'booking.cancelled', 'proposal.step', 'vote.closing', 'live.starting'));