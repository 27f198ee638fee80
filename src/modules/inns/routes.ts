import type { FastifyPluginAsync } from 'fastify';

export const innsRoutes: FastifyPluginAsync = async () => {};
