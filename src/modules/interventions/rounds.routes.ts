import type { FastifyPluginAsync } from 'fastify';

/** Budget rounds and the portfolio optimizer (county admin). */
export const roundRoutes: FastifyPluginAsync = async () => {};
