// Where to send a payer once a payment has started: the sandbox page (a path here), the provider's page (a URL), or
// for WeChat Pay Native the QR page, which shows the code to scan and follows the payment.
import type { NavigateFunction } from 'react-router';

export interface PaymentStart {
  paymentId: string;
  redirectUrl: string;
  qrCode?: string;
}

export function goToPayment(navigate: NavigateFunction, p: PaymentStart) {
  if (p.qrCode) navigate(`/payments/qr/${p.paymentId}?code=${encodeURIComponent(p.qrCode)}`);
  else if (p.redirectUrl.startsWith('/')) navigate(p.redirectUrl);
  else window.location.assign(p.redirectUrl);
}
