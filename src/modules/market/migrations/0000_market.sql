CREATE TABLE "market_batches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"garden_id" uuid,
	"lot" text NOT NULL,
	"harvest_date" date,
	"quantity" integer NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"head_hash" text DEFAULT '0000000000000000000000000000000000000000000000000000000000000000' NOT NULL,
	"event_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "market_batches_quantity_check" CHECK ("market_batches"."quantity" >= 0),
	CONSTRAINT "market_batches_lot_check" CHECK ("market_batches"."lot" ~ '^[A-Za-z0-9-]{1,20}$')
);
--> statement-breakpoint
CREATE TABLE "market_gardens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"name" text NOT NULL,
	"lon" double precision,
	"lat" double precision,
	"altitude_m" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "market_gardens_lon_check" CHECK ("market_gardens"."lon" is null or ("market_gardens"."lon" between -180 and 180)),
	CONSTRAINT "market_gardens_lat_check" CHECK ("market_gardens"."lat" is null or ("market_gardens"."lat" between -90 and 90))
);
--> statement-breakpoint
CREATE TABLE "market_order_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"batch_id" uuid,
	"product_name" text NOT NULL,
	"variant_label" text NOT NULL,
	"qty" integer NOT NULL,
	"unit_price_fen" integer NOT NULL,
	"line_fen" integer NOT NULL,
	CONSTRAINT "market_order_items_qty_check" CHECK ("market_order_items"."qty" > 0),
	CONSTRAINT "market_order_items_amount_check" CHECK ("market_order_items"."unit_price_fen" > 0 and "market_order_items"."line_fen" = "market_order_items"."unit_price_fen" * "market_order_items"."qty")
);
--> statement-breakpoint
CREATE TABLE "market_orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"buyer_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"subtotal_fen" integer NOT NULL,
	"shipping_fen" integer NOT NULL,
	"total_fen" integer NOT NULL,
	"address" jsonb NOT NULL,
	"payment_id" uuid,
	"reserved_until" timestamp with time zone NOT NULL,
	"tracking_no" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	"packed_at" timestamp with time zone,
	"shipped_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"refunded_at" timestamp with time zone,
	CONSTRAINT "market_orders_status_check" CHECK (status in ('pending', 'paid', 'packed', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded')),
	CONSTRAINT "market_orders_amounts_check" CHECK ("market_orders"."subtotal_fen" > 0 and "market_orders"."shipping_fen" >= 0 and "market_orders"."total_fen" = "market_orders"."subtotal_fen" + "market_orders"."shipping_fen")
);
--> statement-breakpoint
CREATE TABLE "market_products" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"variety" text,
	"grade" text,
	"season" text,
	"photo_url" text,
	"gtin" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "market_products_kind_check" CHECK (kind in ('tea', 'craft')),
	CONSTRAINT "market_products_gtin_check" CHECK ("market_products"."gtin" ~ '^[0-9]{14}$')
);
--> statement-breakpoint
CREATE TABLE "market_reservations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"qty" integer NOT NULL,
	"status" text DEFAULT 'held' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "market_reservations_qty_check" CHECK ("market_reservations"."qty" > 0),
	CONSTRAINT "market_reservations_status_check" CHECK (status in ('held', 'sold', 'released'))
);
--> statement-breakpoint
CREATE TABLE "market_shops" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"intro" text DEFAULT '' NOT NULL,
	"shipping_base_fen" integer DEFAULT 1000 NOT NULL,
	"free_shipping_over_fen" integer,
	"remote_surcharge_fen" integer DEFAULT 1500 NOT NULL,
	"low_stock_threshold" integer DEFAULT 10 NOT NULL,
	CONSTRAINT "market_shops_fees_check" CHECK ("market_shops"."shipping_base_fen" >= 0 and "market_shops"."remote_surcharge_fen" >= 0 and coalesce("market_shops"."free_shipping_over_fen", 0) >= 0),
	CONSTRAINT "market_shops_threshold_check" CHECK ("market_shops"."low_stock_threshold" >= 0)
);
--> statement-breakpoint
CREATE TABLE "market_trace_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"batch_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"operator" text DEFAULT '' NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"document_title" text,
	"document_url" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "market_trace_events_kind_check" CHECK (kind in ('planting', 'picking', 'withering', 'fixing', 'rolling', 'drying', 'crafting', 'inspection', 'certificate', 'packing', 'note')),
	CONSTRAINT "market_trace_events_seq_check" CHECK ("market_trace_events"."seq" >= 1)
);
--> statement-breakpoint
CREATE TABLE "market_variants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"product_id" uuid NOT NULL,
	"label" text NOT NULL,
	"weight_g" integer,
	"price_fen" integer NOT NULL,
	"stock" integer NOT NULL,
	"batch_id" uuid,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "market_variants_price_check" CHECK ("market_variants"."price_fen" > 0),
	CONSTRAINT "market_variants_stock_check" CHECK ("market_variants"."stock" >= 0),
	CONSTRAINT "market_variants_weight_check" CHECK ("market_variants"."weight_g" is null or "market_variants"."weight_g" > 0)
);
--> statement-breakpoint
CREATE TABLE "payment_callbacks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"payment_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"nonce" text NOT NULL,
	"outcome" text NOT NULL,
	"applied" boolean NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_callbacks_outcome_check" CHECK (outcome in ('succeeded', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "payment_keys" (
	"provider" text PRIMARY KEY NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_refunds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"payment_id" uuid NOT NULL,
	"amount_fen" integer NOT NULL,
	"reason" text NOT NULL,
	"refund_reference" text,
	"actor_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_refunds_amount_check" CHECK ("payment_refunds"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"reference_id" uuid NOT NULL,
	"payer_id" uuid,
	"amount_fen" integer NOT NULL,
	"refunded_fen" integer DEFAULT 0 NOT NULL,
	"description" text NOT NULL,
	"provider" text NOT NULL,
	"provider_reference" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	CONSTRAINT "payments_purpose_check" CHECK (purpose in ('order', 'booking')),
	CONSTRAINT "payments_status_check" CHECK (status in ('pending', 'paid', 'failed', 'refunded')),
	CONSTRAINT "payments_amount_check" CHECK ("payments"."amount_fen" > 0),
	CONSTRAINT "payments_refunded_check" CHECK ("payments"."refunded_fen" between 0 and "payments"."amount_fen")
);
--> statement-breakpoint
ALTER TABLE "market_batches" ADD CONSTRAINT "market_batches_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_batches" ADD CONSTRAINT "market_batches_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_batches" ADD CONSTRAINT "market_batches_product_id_market_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."market_products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_batches" ADD CONSTRAINT "market_batches_garden_id_market_gardens_id_fk" FOREIGN KEY ("garden_id") REFERENCES "public"."market_gardens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_gardens" ADD CONSTRAINT "market_gardens_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_gardens" ADD CONSTRAINT "market_gardens_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_gardens" ADD CONSTRAINT "market_gardens_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_order_items" ADD CONSTRAINT "market_order_items_order_id_market_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."market_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_order_items" ADD CONSTRAINT "market_order_items_variant_id_market_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."market_variants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_order_items" ADD CONSTRAINT "market_order_items_batch_id_market_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."market_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_orders" ADD CONSTRAINT "market_orders_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_orders" ADD CONSTRAINT "market_orders_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_orders" ADD CONSTRAINT "market_orders_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_orders" ADD CONSTRAINT "market_orders_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_products" ADD CONSTRAINT "market_products_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_products" ADD CONSTRAINT "market_products_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_reservations" ADD CONSTRAINT "market_reservations_order_id_market_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."market_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_reservations" ADD CONSTRAINT "market_reservations_variant_id_market_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."market_variants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_shops" ADD CONSTRAINT "market_shops_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_shops" ADD CONSTRAINT "market_shops_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_trace_events" ADD CONSTRAINT "market_trace_events_batch_id_market_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."market_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_trace_events" ADD CONSTRAINT "market_trace_events_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_variants" ADD CONSTRAINT "market_variants_product_id_market_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."market_products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_callbacks" ADD CONSTRAINT "payment_callbacks_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD CONSTRAINT "payment_refunds_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD CONSTRAINT "payment_refunds_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_payer_id_users_id_fk" FOREIGN KEY ("payer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "market_batches_lot_unique" ON "market_batches" USING btree ("product_id","lot");--> statement-breakpoint
CREATE INDEX "market_gardens_org_idx" ON "market_gardens" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "market_order_items_unique" ON "market_order_items" USING btree ("order_id","variant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "market_orders_idempotency_unique" ON "market_orders" USING btree ("buyer_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "market_orders_buyer_idx" ON "market_orders" USING btree ("buyer_id","created_at");--> statement-breakpoint
CREATE INDEX "market_orders_org_idx" ON "market_orders" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "market_orders_pending_idx" ON "market_orders" USING btree ("reserved_until") WHERE status = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "market_products_gtin_unique" ON "market_products" USING btree ("gtin");--> statement-breakpoint
CREATE INDEX "market_products_org_idx" ON "market_products" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "market_reservations_unique" ON "market_reservations" USING btree ("order_id","variant_id");--> statement-breakpoint
CREATE INDEX "market_reservations_variant_idx" ON "market_reservations" USING btree ("variant_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "market_trace_events_seq_unique" ON "market_trace_events" USING btree ("batch_id","seq");--> statement-breakpoint
CREATE INDEX "market_variants_product_idx" ON "market_variants" USING btree ("product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_callbacks_nonce_unique" ON "payment_callbacks" USING btree ("provider","nonce");--> statement-breakpoint
CREATE INDEX "payments_reference_idx" ON "payments" USING btree ("purpose","reference_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_open_unique" ON "payments" USING btree ("purpose","reference_id") WHERE status in ('pending', 'paid');