// WeChat Pay Native on a desktop: the QR code to scan with WeChat, and the payment followed until it is paid.
import { useQuery } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { yuan } from '../market/lib.tsx';

type Payment = Reply<'getPaymentForPayer'>;

/** Only WeChat Pay's own code URLs are drawn: a link carrying another text shows no code. */
const WECHAT_CODE = /^weixin:\/\/wxpay\/bizpayurl\?pr=[A-Za-z0-9_-]{1,64}$/;

export function QrPay() {
  const { paymentId = '' } = useParams();
  const [params] = useSearchParams();
  const { t } = useTranslation('payments');
  const code = params.get('code') ?? '';
  const [image, setImage] = useState<string | null>(null);
  const payment = useQuery({
    queryKey: ['payment', paymentId],
    queryFn: () => api<Payment>(`/payments/${paymentId}`),
    // Followed every two seconds until WeChat Pay's notification (or reconciliation) has settled it.
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'pending' ? false : 2000),
  });
  useEffect(() => {
    if (!WECHAT_CODE.test(code)) return;
    void QRCode.toDataURL(code, { width: 240, margin: 1, errorCorrectionLevel: 'M' }).then(setImage);
  }, [code]);
  if (payment.error) return <ErrorText ns="payments" error={payment.error} />;
  if (!payment.data) return null;
  const p = payment.data;
  const back = /^\/(?![/\\])/.test(p.returnUrl) ? p.returnUrl : '/';
  return (
    <section className="card narrow pay-qr">
      <h1>{t('qr.title')}</h1>
      <p className="pay-qr-amount">
        <span className="muted">{t('qr.amount')}</span> <strong data-testid="qr-amount">{yuan(p.amountFen)}</strong>
      </p>
      <p>{p.description}</p>
      {p.status === 'pending' ? (
        <>
          {image && <img className="pay-qr-code" src={image} width={240} height={240} alt={t('qr.title')} data-testid="wechat-qr" />}
          <p>{t('qr.scan')}</p>
          <p className="muted" role="status">
            {t('qr.waiting')}
          </p>
          <p className="hint">{t('qr.phone')}</p>
        </>
      ) : (
        <p className={p.status === 'failed' ? 'error' : 'notice'} role="status">
          {p.status === 'failed' ? t('qr.failed') : t('qr.paid')}
        </p>
      )}
      <Link to={back}>{t('qr.back')} →</Link>
    </section>
  );
}
