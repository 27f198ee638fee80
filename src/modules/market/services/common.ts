

/** How long checkout holds stock for an unpaid order. */
export const reservationMinutes = () => Number(process.env.MARKET_RESERVATION_MINUTES ?? 15);

export const PRODUCER_KINDS = ['cooperative', 'family_farm', 'workshop', 'company'] as const;
/** Provinces far from Zhejiang's couriers' cheap routes: the shop's remote surcharge applies. */
export const REMOTE_PROVINCES = ['新疆', '西藏', '青海', '内蒙古', '宁夏', '甘肃', '海南'];
