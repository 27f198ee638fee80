import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { humanLogStream } from './log-human.ts';
import { loggerOptions } from './log-safety.ts';

describe('logs at a terminal', () => {
  it('writes one short line per API request, none for the client files, and keeps the redaction', async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: loggerOptions({ logLevel: 'info' }, humanLogStream({ write: (s: string) => lines.push(s) })) });
    app.get('/api/v1/villages/:id', async () => ({ ok: true }));
    app.get('/assets/app.js', async () => 'js');
    await app.ready();
    await app.inject({ url: '/api/v1/villages/%E6%9D%A8%E5%AE%B6%E5%A0%82?phone=13800001234', headers: { cookie: 'terrace_session=secret' } });
    await app.inject({ url: '/assets/app.js' });
    await app.inject({ url: '/assets/missing.js' });
    await app.close();
    const requests = lines.filter((l) => / (GET|POST) /.test(l));
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatch(/^\d\d:\d\d:\d\d 200 GET \/api\/v1\/villages\/:id \d+ ms\n$/);
    expect(requests[1]).toMatch(/ 404 GET \/assets\/missing\.js /);
    expect(lines.join('')).not.toMatch(/13800001234|secret|incoming request|"level"/);
  });

  it('stays JSON lines when not at a terminal', () => {
    const options = loggerOptions({ logLevel: 'info' }, undefined, false) as { stream?: unknown };
    expect(options.stream).toBeUndefined();
    const tty = loggerOptions({ logLevel: 'info' }, undefined, true) as { stream?: unknown };
    expect(tty.stream).toBeDefined();
  });
});
