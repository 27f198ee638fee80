-- Pricing and the write of checkout live here, so that a checkout is one round trip (see service.ts `checkout`).

-- What a cart costs, from the database only (the client's prices are never used): one row per line in the order
-- given, with the cart's subtotal and shipping fee on every row. The shipping rule: the shop's base fee, none at
-- or above its free-shipping threshold, plus its surcharge for remote provinces (the application says whether the
-- address is remote). A producer who never saved shop settings has the column defaults of market_shops.
-- Lines whose variant does not exist are missing from the answer; the caller compares.
CREATE OR REPLACE FUNCTION market_price_cart(p_variant_ids uuid[], p_qtys integer[], p_remote boolean)
RETURNS TABLE (
  variant_id uuid, label text, product_name text, batch_id uuid, org_id uuid, price_fen integer, stock integer,
  on_sale boolean, qty integer, line_fen integer, subtotal_fen integer, shipping_fen integer
) AS $$
#variable_conflict use_column
BEGIN
  -- PL/pgSQL, not SQL: its query plan is cached per connection (a SQL function's body is planned at every call).
  RETURN QUERY
  WITH lines AS (
    SELECT v.id, v.label, p.name, v.batch_id, p.org_id, v.price_fen, v.stock, v.active AND p.active AS on_sale,
           w.qty, v.price_fen * w.qty AS line_fen, w.n
    FROM unnest(p_variant_ids, p_qtys) WITH ORDINALITY AS w(id, qty, n)
    JOIN market_variants v ON v.id = w.id
    JOIN market_products p ON p.id = v.product_id
  ),
  cart AS (SELECT coalesce(sum(line_fen), 0)::integer AS subtotal, (array_agg(org_id ORDER BY n))[1] AS org_id FROM lines)
  SELECT l.id, l.label, l.name, l.batch_id, l.org_id, l.price_fen, l.stock, l.on_sale, l.qty, l.line_fen, c.subtotal,
         (CASE WHEN s.free_shipping_over_fen IS NOT NULL AND c.subtotal >= s.free_shipping_over_fen THEN 0
               ELSE coalesce(s.shipping_base_fen, 1000) END
          + CASE WHEN p_remote THEN coalesce(s.remote_surcharge_fen, 1500) ELSE 0 END)::integer
  FROM lines l CROSS JOIN cart c LEFT JOIN market_shops s ON s.org_id = c.org_id
  ORDER BY l.n;
END;
$$ LANGUAGE plpgsql STABLE;
--> statement-breakpoint
-- The write of checkout, for a cart the application has just priced with market_price_cart. It writes the order,
-- its lines, the stock reservations and the audit row (their foreign-key checks run as each statement ends), and
-- takes the stock LAST — the stock rows are the only rows other checkouts wait for, so they stay locked only from
-- their UPDATE to the commit that follows. Each line's stock is taken by a conditional update on its primary key
-- (stock >= qty), only at the price the line was priced at and only from a variant still on sale, in the order
-- given (the caller sorts by variant id, so two carts sharing variants lock them in the same order and cannot
-- deadlock). Anything wrong aborts the whole call and nothing of it remains; the message says why:
--   market_checkout:short      a line cannot be had (not enough stock, off sale, or its price changed meanwhile)
--   market_checkout:duplicate  the buyer already has an order under this idempotency key (a retry, or a
--                              concurrent twin that won the unique index)
--   p_lines: [{itemId, reservationId, variantId, batchId, productName, variantLabel, qty, unitPriceFen, lineFen}]
--   in the same order as p_variant_ids, p_qtys and p_prices.
CREATE OR REPLACE FUNCTION market_checkout(
  p_variant_ids uuid[],
  p_qtys integer[],
  p_prices integer[],
  p_lines jsonb,
  p_order_id uuid,
  p_audit_id uuid,
  p_county_id uuid,
  p_buyer_id uuid,
  p_org_id uuid,
  p_idempotency_key text,
  p_subtotal_fen integer,
  p_shipping_fen integer,
  p_address jsonb,
  p_reserved_until timestamptz
) RETURNS timestamptz AS $$
DECLARE
  v_created_at timestamptz;
BEGIN
  INSERT INTO market_orders AS o (id, county_id, buyer_id, org_id, idempotency_key, subtotal_fen, shipping_fen, total_fen, address, reserved_until)
  VALUES (p_order_id, p_county_id, p_buyer_id, p_org_id, p_idempotency_key, p_subtotal_fen, p_shipping_fen,
          p_subtotal_fen + p_shipping_fen, p_address, p_reserved_until)
  ON CONFLICT (buyer_id, idempotency_key) DO NOTHING
  RETURNING o.created_at INTO v_created_at;
  IF v_created_at IS NULL THEN
    RAISE EXCEPTION 'market_checkout:duplicate' USING ERRCODE = 'P0001';
  END IF;

  INSERT INTO market_order_items (id, order_id, variant_id, batch_id, product_name, variant_label, qty, unit_price_fen, line_fen)
  SELECT w."itemId", p_order_id, w."variantId", w."batchId", w."productName", w."variantLabel", w.qty, w."unitPriceFen", w."lineFen"
  FROM jsonb_to_recordset(p_lines) AS w("itemId" uuid, "variantId" uuid, "batchId" uuid, "productName" text, "variantLabel" text,
                                        qty integer, "unitPriceFen" integer, "lineFen" integer);

  INSERT INTO market_reservations (id, order_id, variant_id, qty, expires_at)
  SELECT w."reservationId", p_order_id, w."variantId", w.qty, p_reserved_until
  FROM jsonb_to_recordset(p_lines) AS w("reservationId" uuid, "variantId" uuid, qty integer);

  INSERT INTO audit_log (id, county_id, actor_id, action, entity, entity_id, details)
  VALUES (p_audit_id, p_county_id, p_buyer_id, 'order.create', 'market_order', p_order_id::text,
          jsonb_build_object('totalFen', p_subtotal_fen + p_shipping_fen));

  FOR i IN 1 .. cardinality(p_variant_ids) LOOP
    UPDATE market_variants SET stock = stock - p_qtys[i]
    WHERE id = p_variant_ids[i] AND stock >= p_qtys[i] AND price_fen = p_prices[i] AND active;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'market_checkout:short' USING ERRCODE = 'P0001';
    END IF;
  END LOOP;
  RETURN v_created_at;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Every checkout of a product refers to its variant row from the order line and the reservation. Checked at once,
-- those references take a KEY SHARE lock on the variant while other checkouts hold it for their stock update,
-- which makes PostgreSQL build a multixact on the hot row for each of them. Checked at commit instead, the
-- variant is already locked by this transaction's own stock update and the check is free of contention.
ALTER TABLE market_order_items ALTER CONSTRAINT market_order_items_variant_id_market_variants_id_fk DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint
ALTER TABLE market_reservations ALTER CONSTRAINT market_reservations_variant_id_market_variants_id_fk DEFERRABLE INITIALLY DEFERRED;
