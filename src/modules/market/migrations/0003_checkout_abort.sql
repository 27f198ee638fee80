-- Checkout is one statement (see service.ts `checkout`): when it finds it cannot complete — a line short of
-- stock, a price changed since the cart was priced, or a concurrent order under the same idempotency key —
-- it calls this to abort itself, which undoes everything the statement did. The reason goes in the message.
CREATE OR REPLACE FUNCTION market_checkout_abort(reason text) RETURNS integer AS $$
BEGIN
  RAISE EXCEPTION 'market_checkout:%', reason USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;
