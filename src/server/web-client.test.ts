import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMMUTABLE, registerWebClient } from './web-client.ts';

describe('web client', () => {
  let app: FastifyInstance;
  let root: string;
  const script = `export const terraces = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `茶园 ${i}`))};\n`;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-web-'));
    fs.mkdirSync(path.join(root, 'assets'));
    fs.writeFileSync(path.join(root, 'index.html'), `<!doctype html><title>梯田</title><script type="module" src="/assets/index-Ab12Cd34.js"></script>${' '.repeat(2000)}`);
    fs.writeFileSync(path.join(root, 'assets', 'index-Ab12Cd34.js'), script);
    app = Fastify();
    app.get('/api/v1/county', async () => ({ name: '松阳县' }));
    await registerWebClient(app, root);
  });
  afterAll(async () => {
    await app?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('sends a hashed asset in brotli, or gzip, kept by the browser for a year', async () => {
    const br = await app.inject({ url: '/assets/index-Ab12Cd34.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe(IMMUTABLE);
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(script);
    expect(br.rawPayload.length).toBeLessThan(Buffer.byteLength(script) / 2);

    const gz = await app.inject({ url: '/assets/index-Ab12Cd34.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toBe(script);

    const plain = await app.inject({ url: '/assets/index-Ab12Cd34.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  it('makes the browser revalidate the app shell, at / and at any client-side route', async () => {
    for (const url of ['/', '/index.html', '/market/trace/0190c2f0-0000-7000-8000-000000000000']) {
      const res = await app.inject({ url, headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.headers['content-encoding'], url).toBe('br');
      expect(zlib.brotliDecompressSync(res.rawPayload).toString(), url).toContain('<title>梯田</title>');
    }
  });

  it('leaves API answers and unknown files alone', async () => {
    const api = await app.inject({ url: '/api/v1/county', headers: { 'accept-encoding': 'br, gzip' } });
    expect(api.headers['content-encoding']).toBeUndefined();
    expect(api.json()).toEqual({ name: '松阳县' });
    expect((await app.inject({ url: '/assets/missing-0000.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/v1/nothing' })).statusCode).toBe(404);
  });
});
