import { useMutation } from '@tanstack/react-query';
import { useLocation, useNavigate } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { loginPath, useMe } from '../../auth.tsx';
import { goToPayment } from '../payments/start.ts';

/** Holds the room, starts the payment and goes to the payment page. */
export function useBook() {
  const navigate = useNavigate();
  const location = useLocation();
  const { data: me } = useMe();
  return useMutation({
    mutationFn: async (input: { roomId: string; checkIn: string; checkOut: string; guests: number }) => {
      if (!me) {
        // The village and dates live in this page's address, so signing in brings the visitor back to them.
        navigate(loginPath(`${location.pathname}${location.search}`, 'book'));
        return;
      }
      const booking = await api<Reply<'holdBooking'>>('/inns/bookings', { method: 'POST', body: input });
      goToPayment(navigate, await api<Reply<'startBookingPayment'>>(`/inns/bookings/${booking.id}/pay`, { method: 'POST' }));
    },
  });
}
