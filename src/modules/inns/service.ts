// The module's services, one file per topic under services/.
export * from './services/common.ts';
export * from './services/dates.ts';
export * from './services/inns.ts';
export * from './services/rooms.ts';
export * from './services/photos.ts';
export * from './services/search.ts';
export * from './services/bookings.ts';
export * from './services/reviews.ts';
export * from './services/blocks.ts';
export * from './services/host.ts';
