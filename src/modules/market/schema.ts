// The market module's tables.
export {};
