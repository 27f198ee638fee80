import type { FastifyPluginAsync } from 'fastify';

export const marketRoutes: FastifyPluginAsync = async () => {};
