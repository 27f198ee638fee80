import type { FastifyPluginAsync } from 'fastify';

export const interventionsRoutes: FastifyPluginAsync = async () => {};
