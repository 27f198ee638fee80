import { z } from 'zod';

/**
 * What a route answers when a payment starts (market orders, inn bookings, flash claims): where to send the payer,
 * and for WeChat Pay the QR code's content (Native) or the parameters the WeChat page signs with (JSAPI).
 */
export const paymentStartReply = z.object({
  paymentId: z.string(),
  redirectUrl: z.string(),
  qrCode: z.string().optional().meta({ description: 'WeChat Pay Native: the text to draw as a QR code for the payer to scan' }),
  jsapi: z
    .object({ appId: z.string(), timeStamp: z.string(), nonceStr: z.string(), package: z.string(), signType: z.literal('RSA'), paySign: z.string() })
    .optional()
    .meta({ description: 'WeChat Pay JSAPI: the parameters for WeixinJSBridge.invoke("getBrandWCPayRequest")' }),
});

/** A refund as its payer and the seller see it (beside an order, a booking, a payment). */
export const refundView = z.object({
  id: z.string(),
  amountFen: z.number(),
  reason: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']).meta({ description: 'pending: being sent to the provider (retried); failed: given up, the county administrator acts' }),
  attempts: z.number(),
  createdAt: z.string(),
  settledAt: z.string().nullable(),
});
