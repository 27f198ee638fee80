ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_county_id_admin_units_id_fk";
--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_actor_id_users_id_fk";
