// Where to send a payer once a payment has started: the sandbox page (a path here), the provider's page (a URL), or
// for WeChat Pay Native the QR page, which shows the code to scan and follows the payment.
import type { NavigateFunction } from 'react-router';
import type { Reply } from '../../api.ts';

/** A started payment, as an order's or a booking's pay route answers (both through payments' one reply shape). */
export type PaymentStart = Reply<'payOrder'>;

export function goToPayment(navigate: NavigateFunction, p: PaymentStart) {
  if (p.qrCode) navigate(`/payments/qr/${p.paymentId}?code=${encodeURIComponent(p.qrCode)}`);
  else if (p.redirectUrl.startsWith('/')) navigate(p.redirectUrl);
  else window.location.assign(p.redirectUrl);
}
