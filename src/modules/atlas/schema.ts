// The atlas module's tables.
export {};
