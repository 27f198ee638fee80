import type { FastifyPluginAsync } from 'fastify';
import { paymentRoutes } from './payments/routes.ts';

export const marketRoutes: FastifyPluginAsync = async (app) => {
  await app.register(paymentRoutes);
};
