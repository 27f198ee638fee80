// The module's services, one file per topic under services/.
export * from './services/common.ts';
export * from './services/standing.ts';
export * from './services/rules.ts';
export * from './services/proposals.ts';
export * from './services/reading.ts';
export * from './services/voice.ts';
export * from './services/notifications.ts';
export * from './services/execution.ts';
