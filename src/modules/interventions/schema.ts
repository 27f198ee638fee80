// The interventions module's tables.
export {};
