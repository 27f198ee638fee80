import type { FastifyPluginAsync } from 'fastify';

export const atlasRoutes: FastifyPluginAsync = async () => {};
