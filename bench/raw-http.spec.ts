import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RawHttpClient } from './raw-http';

/** The steady phase's client against node's own HTTP server on 127.0.0.1. */
describe('RawHttpClient', () => {
  let server: Server;
  let baseUrl: string;
  const sockets = new Set<string>();

  beforeAll(async () => {
    server = createServer((request, response) => {
      sockets.add(`${request.socket.remotePort}`);
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.stringify({
          path: request.url,
          got: Buffer.concat(chunks).toString(),
          auth: request.headers.authorization,
        });
        if (request.url === '/close') response.setHeader('connection', 'close');
        response.writeHead(request.url === '/missing' ? 404 : 201, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends requests one after another on one kept-alive connection and reads each answer whole', async () => {
    const client = new RawHttpClient(baseUrl);
    sockets.clear();
    try {
      const body = JSON.stringify({ note: 'é'.repeat(5_000) });
      for (const path of ['/a', '/missing', '/b']) {
        const answer = await client.post(path, { authorization: 'Bearer k' }, body);
        expect(answer.status).toBe(path === '/missing' ? 404 : 201);
        expect(JSON.parse(answer.body)).toEqual({ path, got: body, auth: 'Bearer k' });
      }
      expect(sockets.size).toBe(1);
    } finally {
      client.close();
    }
  });

  it('opens a connection per request in flight, and a new one after an answer that closes its own', async () => {
    const client = new RawHttpClient(baseUrl);
    sockets.clear();
    try {
      const answers = await Promise.all(['/1', '/2', '/3'].map((path) => client.post(path, {}, '{}')));
      expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
      expect(sockets.size).toBe(3);
      sockets.clear();
      expect((await client.post('/close', {}, '{}')).status).toBe(201);
      expect((await client.post('/after', {}, '{}')).status).toBe(201);
      expect(sockets.size).toBe(2);
    } finally {
      client.close();
    }
  });
});
