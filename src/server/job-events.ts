import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JobQueue, JobRun } from './jobs.ts';

/**
 * Streams a job run as Server-Sent Events from whichever instance the browser reached: `progress` each time the
 * stored progress changes, then `result` (the run's result) or `error` (`{ detail }`), then the stream ends.
 */
export function streamJobEvents(request: FastifyRequest, reply: FastifyReply, jobs: JobQueue, first: JobRun): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': request.id });
  const send = (type: string, data: unknown) => res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  let lastProgress = '';
  let ended = false;
  let unwatch = () => {};
  const update = (run: JobRun) => {
    if (ended) return;
    const progress = JSON.stringify(run.progress ?? null);
    if (run.progress != null && progress !== lastProgress) {
      lastProgress = progress;
      send('progress', run.progress);
    }
    if (run.status === 'succeeded' || run.status === 'failed') {
      ended = true;
      if (run.status === 'succeeded') send('result', run.result);
      else send('error', { detail: run.error ?? 'failed' });
      unwatch();
      res.end();
    }
  };
  unwatch = jobs.watch(first.id, update);
  request.raw.on('close', () => unwatch());
  update(first);
  // The run may have changed between reading it and watching it.
  void jobs.get(first.id).then((run) => run && update(run));
}
