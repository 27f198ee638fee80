ALTER TABLE "market_orders" DROP CONSTRAINT "market_orders_county_id_admin_units_id_fk";
