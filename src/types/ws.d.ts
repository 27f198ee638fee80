// The small part of the `ws` package (8.x, no bundled types) that Terrace uses: a server without its own port
// that takes upgrades from Fastify's, its sockets, and the client used by tests and the benchmark.
declare module 'ws' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage, Server as HttpServer } from 'node:http';
  import type { Duplex } from 'node:stream';

  export type RawData = Buffer | ArrayBuffer | Buffer[];

  export class WebSocket extends EventEmitter {
    static readonly OPEN: 1;
    readonly readyState: 0 | 1 | 2 | 3;
    readonly bufferedAmount: number;
    constructor(address: string, options?: { headers?: Record<string, string>; perMessageDeflate?: boolean });
    send(data: string | Buffer, cb?: (error?: Error) => void): void;
    ping(): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): this;
    on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
    on(event: 'open' | 'pong', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    once(event: 'open', listener: () => void): this;
    once(event: 'close', listener: (code: number, reason: Buffer) => void): this;
    once(event: 'error', listener: (error: Error) => void): this;
  }
  export default WebSocket;

  export class WebSocketServer extends EventEmitter {
    constructor(options: { noServer?: boolean; port?: number; host?: string; server?: HttpServer; maxPayload?: number; perMessageDeflate?: boolean });
    readonly clients: Set<WebSocket>;
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, callback: (ws: WebSocket, request: IncomingMessage) => void): void;
    on(event: 'connection', listener: (ws: WebSocket, request: IncomingMessage) => void): this;
    on(event: 'listening', listener: () => void): this;
    close(cb?: (error?: Error) => void): void;
    address(): { port: number } | string;
  }
}
