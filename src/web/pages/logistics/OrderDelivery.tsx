// A Market order's way from its producer's village to the county hub, shown on the buyer's order page. It reads
// logistics' seam (GET /logistics/orders/{id}/delivery) and carries its own few strings.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Reply } from '../../api.ts';
import { addStrings } from '../../modules.tsx';

const zhCN = {
  title: '山区物流',
  state: { not_planned: '等待安排取件', planned: '已安排 {{date}} 取件', picked_up: '已从生产者处取件，正在送往县物流中心', delivered: '已送达县物流中心', failed: '取件未成功，将重新安排' },
  photo: '（有送达照片）',
};
const en: typeof zhCN = {
  title: 'Mountain logistics',
  state: { not_planned: 'Waiting for a pickup to be arranged', planned: 'Pickup arranged for {{date}}', picked_up: 'Picked up from the producer, on its way to the county hub', delivered: 'Delivered to the county hub', failed: 'The pickup failed and will be arranged again' },
  photo: '(with a delivery photo)',
};
addStrings('logistics-order', { zhCN, en });

type Delivery = Reply<'orderDelivery'>;

export function OrderDelivery({ orderId }: { orderId: string }) {
  const { t } = useTranslation('logistics-order');
  const q = useQuery({ queryKey: ['logistics-order', orderId], queryFn: () => api<Delivery>(`/logistics/orders/${orderId}/delivery`), retry: false });
  if (!q.data) return null;
  return (
    <p data-testid="order-delivery">
      {t('title')}：<strong data-state={q.data.state}>{t(`state.${q.data.state}`, { date: q.data.serviceDate ?? '' })}</strong> {q.data.proof === 'photo' && <span className="muted">{t('photo')}</span>}
    </p>
  );
}
