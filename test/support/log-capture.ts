import { Writable } from 'node:stream';

/** Everything the server logs, as the text a log shipper would read (start the test app with it as `logStream`). */
export class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void) {
    this.text += chunk.toString();
    done();
  }
  /** The log's JSON lines, parsed. */
  lines() {
    return this.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}
