// The module's services, one file per topic under services/.
export * from './services/common.ts';
export * from './services/producers.ts';
export * from './services/catalogue.ts';
export * from './services/photos.ts';
export * from './services/trace.ts';
export * from './services/orders.ts';
export * from './services/dashboard.ts';
export * from './services/handover.ts';
