// Video: placeholder until the ingest is wired; without an ingest every session shows its waiting state.
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/handle.ts';
import type { VideoSettings } from './sessions.ts';

export async function startVideo(_db: Db, _log: FastifyBaseLogger): Promise<VideoSettings & { stop(): Promise<void> }> {
  return { hlsUrl: () => null, rtmpUrl: () => null, stop: async () => {} };
}
