// The inns module's tables.
export {};
