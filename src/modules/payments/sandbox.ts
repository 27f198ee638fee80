import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Problem } from '../../server/problems.ts';
import type { PaymentCallback, PaymentProvider, PaymentRequest, PaymentStatusAnswer, RefundAnswer, RefundRequest } from './provider.ts';

/** How old (or how far in the future) a callback's timestamp may be, in seconds. */
export const CALLBACK_WINDOW_SECONDS = 300;

export const SANDBOX_HEADERS = {
  timestamp: 'x-sandbox-timestamp',
  nonce: 'x-sandbox-nonce',
  signature: 'x-sandbox-signature',
} as const;

const header = (headers: Record<string, string | string[] | undefined>, name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The signed text: timestamp, nonce and the exact body bytes, one per line (the shape WeChat Pay v3 uses). */
export const sandboxSignature = (secret: string, timestamp: number, nonce: string, rawBody: string) =>
  createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${rawBody}\n`).digest('hex');

/**
 * Builds a callback as the sandbox "payment institution" sends it: a JSON body and three headers
 * (timestamp, nonce, HMAC-SHA256 signature). A retried delivery of the same notification keeps its nonce.
 */
export function signSandboxCallback(
  secret: string,
  body: { paymentId: string; providerReference: string; outcome: 'succeeded' | 'failed' },
  options: { nonce?: string; timestamp?: number } = {},
) {
  const rawBody = JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = options.nonce ?? randomBytes(16).toString('hex');
  return {
    rawBody,
    headers: {
      'content-type': 'application/json',
      [SANDBOX_HEADERS.timestamp]: String(timestamp),
      [SANDBOX_HEADERS.nonce]: nonce,
      [SANDBOX_HEADERS.signature]: sandboxSignature(secret, timestamp, nonce, rawBody),
    },
  };
}

/** What the simulated institution recorded when the payer chose on the sandbox page. */
export interface SandboxOutcome {
  paymentId: string;
  providerReference: string;
  outcome: 'succeeded' | 'failed';
  transactionReference: string;
  /** The notification's nonce: every delivery of this outcome carries it (a redelivery is a replay). */
  nonce: string;
}

/** The sandbox institution's own records (kept in the database, so every server instance shares them). */
export interface SandboxLedger {
  find(providerReference: string): Promise<SandboxOutcome | undefined>;
}

/** A new sandbox transaction number and notification nonce for an outcome the payer has just chosen. */
export const newSandboxOutcome = (paymentId: string, providerReference: string, outcome: 'succeeded' | 'failed'): SandboxOutcome => ({
  paymentId,
  providerReference,
  outcome,
  transactionReference: `sbx_txn_${randomBytes(12).toString('hex')}`,
  nonce: randomBytes(16).toString('hex'),
});

/**
 * The built-in provider: no money moves. Its payment page is the web client's /market/pay/:id, where the payer
 * chooses to pay or to fail; the server then sends itself the signed callback that a real provider would send.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox';
  constructor(
    private readonly secret: string,
    private readonly ledger: SandboxLedger = { find: async () => undefined },
    private readonly now: () => number = () => Date.now(),
  ) {}

  async start(request: PaymentRequest) {
    return {
      redirectUrl: `/market/pay/${request.paymentId}?return=${encodeURIComponent(request.returnUrl)}`,
      providerReference: `sbx_${request.paymentId.replaceAll('-', '')}`,
    };
  }

  verifyCallback(headers: Record<string, string | string[] | undefined>, rawBody: string): PaymentCallback {
    const ts = header(headers, SANDBOX_HEADERS.timestamp);
    const nonce = header(headers, SANDBOX_HEADERS.nonce);
    const signature = header(headers, SANDBOX_HEADERS.signature);
    if (!ts || !nonce || !signature || !/^\d{1,12}$/.test(ts) || !/^[A-Za-z0-9_-]{8,64}$/.test(nonce)) {
      throw new Problem(400, 'invalid_callback', 'Missing or malformed signature headers');
    }
    const timestamp = Number(ts);
    const expected = Buffer.from(sandboxSignature(this.secret, timestamp, nonce, rawBody));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new Problem(401, 'bad_signature', 'The callback signature does not verify');
    }
    if (Math.abs(this.now() / 1000 - timestamp) > CALLBACK_WINDOW_SECONDS) {
      throw new Problem(401, 'stale_callback', 'The callback timestamp is outside the accepted window');
    }
    let body: { paymentId?: unknown; providerReference?: unknown; outcome?: unknown };
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw new Problem(400, 'invalid_callback', 'The callback body is not JSON');
    }
    if (typeof body.paymentId !== 'string' || typeof body.providerReference !== 'string' || (body.outcome !== 'succeeded' && body.outcome !== 'failed')) {
      throw new Problem(400, 'invalid_callback', 'The callback body lacks paymentId, providerReference or outcome');
    }
    return { paymentId: body.paymentId, providerReference: body.providerReference, outcome: body.outcome, nonce, timestamp };
  }

  async refund(request: RefundRequest): Promise<RefundAnswer> {
    return { refundReference: `sbx_refund_${request.providerReference.slice(4, 16)}_${request.amountFen}_${randomBytes(4).toString('hex')}`, status: 'succeeded' };
  }

  /** Answers from the sandbox's ledger: what the payer chose on the page, whether or not its callback arrived. */
  async queryStatus(providerReference: string): Promise<PaymentStatusAnswer> {
    const recorded = await this.ledger.find(providerReference);
    if (!recorded) return { status: 'pending' };
    return { status: recorded.outcome, transactionReference: recorded.transactionReference };
  }
}
