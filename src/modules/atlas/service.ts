// The module's services, one file per topic under services/.
export * from './services/villages.ts';
export * from './services/profiles.ts';
export * from './services/buildings.ts';
export * from './services/conditions.ts';
export * from './services/map.ts';
export * from './services/culture.ts';
export * from './services/search.ts';
export * from './services/photos.ts';
export * from './services/seed.ts';
