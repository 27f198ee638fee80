import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/constants.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { startServerProcess, tempDataDir, type ServerProcess } from './support/server.ts';

const NGINX = '/usr/sbin/nginx';
const ROOT = path.resolve(import.meta.dirname, '../..');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** A request through the proxy over TLS (its certificate is self-signed). */
function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.request(url, { method: options.method ?? 'GET', headers: options.headers, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * deploy/nginx.conf in front of two instances on PostgreSQL, as deploy/terrace@.service runs them: only where nginx
 * is installed (`apt-get install nginx`) and PostgreSQL is given (TEST_DATABASE_URL).
 */
describe.runIf(fs.existsSync(NGINX) && !!process.env.TEST_DATABASE_URL)('the production layout: nginx with TLS in front of two instances', { timeout: 240_000 }, () => {
  const servers: ServerProcess[] = [];
  let nginx: ChildProcess | undefined;
  let db: TestDatabase | undefined;
  afterAll(async () => {
    nginx?.kill('SIGQUIT');
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    await db?.dispose();
  });

  it('serves over TLS through either instance, redirects HTTP, and keeps serving while one instance stops', async () => {
    const systemd = spawnSync('systemd-analyze', ['verify', path.join(ROOT, 'deploy/terrace@.service')], { encoding: 'utf8' });
    expect(systemd.stderr.trim()).toBe('');

    db = await freshDatabase('postgres', 4);
    const dataDir = tempDataDir();
    const env = { DATABASE_URL: db.url!, TRUST_PROXY: 'true', LOG_LEVEL: 'info' };
    servers.push(await startServerProcess({ dataDir, env }));
    servers.push(await startServerProcess({ dataDir, env }));
    const ports = servers.map((s) => new URL(s.url).port);

    // The configuration as shipped, with this machine's ports, certificate and log paths.
    const dir = tempDataDir();
    const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=terrace.example.org', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`]);
    expect(cert.status).toBe(0);
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    const site = fs
      .readFileSync(path.join(ROOT, 'deploy/nginx.conf'), 'utf8')
      .replace('127.0.0.1:3001', `127.0.0.1:${ports[0]}`)
      .replace('127.0.0.1:3002', `127.0.0.1:${ports[1]}`)
      .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${httpsPort} ssl http2;`)
      .replace(/listen 80;/, `listen 127.0.0.1:${httpPort};`)
      .replace(/\s*listen \[::\]:\d+[^;]*;/g, '')
      .replace('/etc/ssl/terrace/fullchain.pem', `${dir}/cert.pem`)
      .replace('/etc/ssl/terrace/privkey.pem', `${dir}/key.pem`)
      .replace('/var/log/nginx/terrace.access.log', `${dir}/access.log`);
    fs.writeFileSync(`${dir}/terrace.conf`, site);
    fs.writeFileSync(
      `${dir}/nginx.conf`,
      `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log; events {} http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; include ${dir}/terrace.conf; }`,
    );
    const check = spawnSync(NGINX, ['-t', '-p', dir, '-c', `${dir}/nginx.conf`], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    nginx = spawn(NGINX, ['-p', dir, '-c', `${dir}/nginx.conf`], { stdio: 'ignore' });
    const base = `https://127.0.0.1:${httpsPort}`;
    await expect.poll(() => request(`${base}/healthz`).then((r) => r.status, () => 0), { timeout: 20_000 }).toBe(200);

    // HTTP goes to HTTPS; over TLS the cookie is Secure and HSTS is sent.
    const plain = await request(`http://127.0.0.1:${httpPort}/api/v1/county`, { headers: { host: 'terrace.example.org' } });
    expect(plain.status).toBe(308);
    expect(plain.headers.location).toBe('https://terrace.example.org/api/v1/county');
    const login = await request(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: TEST_PASSWORD }) });
    expect(login.status).toBe(200);
    expect(String(login.headers['set-cookie'])).toMatch(/Secure/);
    expect(login.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(login.headers['content-security-policy']).toContain("frame-ancestors 'none'");

    // Requests reach both instances.
    for (let i = 0; i < 12; i++) expect((await request(`${base}/readyz`)).status).toBe(200);
    const upstreams = new Set(fs.readFileSync(`${dir}/access.log`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).upstream));
    expect([...upstreams].sort()).toEqual(ports.map((p) => `127.0.0.1:${p}`).sort());
    expect(fs.readFileSync(`${dir}/access.log`, 'utf8')).not.toContain('password');

    // One instance stops (as systemd does it): the other answers everything.
    expect(await servers[0].stop('SIGTERM')).toBe(0);
    for (let i = 0; i < 8; i++) expect((await request(`${base}/api/v1/county`)).status).toBe(200);
  });
});
