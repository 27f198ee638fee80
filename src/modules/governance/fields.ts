import { z } from 'zod';

// The account fields every form that makes or changes an account validates the same way.
export const username = z.string().trim().regex(/^[A-Za-z0-9_.-]{3,32}$/, 'Use 3–32 letters, digits, dot, dash or underscore');
export const password = z.string().min(8, 'At least 8 characters').max(200);
export const displayName = z.string().trim().min(1).max(80);
