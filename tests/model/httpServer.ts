// A real HTTP server on a loopback port for the fetch tests: serves registered bytes in chunks
// (with short pauses, so clients see progress) and counts requests per path.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  origin: string;
  files: Map<string, Uint8Array>;
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const files = new Map<string, Uint8Array>();
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = files.get(path);
    if (!body) {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    res.writeHead(200, { 'Content-Length': String(body.byteLength) });
    void (async () => {
      const step = 8192;
      for (let o = 0; o < body.byteLength; o += step) {
        res.write(body.subarray(o, o + step));
        await new Promise((r) => setTimeout(r, 2));
      }
      res.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, files, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
