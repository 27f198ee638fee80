export function ensureWebBuilt(root?: string): Promise<boolean>;
