import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

interface ProxiedConnection {
  client: Socket;
  upstream: Socket;
  /** Whether the client named itself `watchFor` (PostgreSQL's application_name) on this connection. */
  watched: boolean;
  frozen: boolean;
}

/**
 * A TCP proxy to a PostgreSQL server that can stop forwarding on the connections whose client named
 * itself `watchFor`, without closing them: what a half-open connection (a dead peer, a dropped NAT
 * entry) looks like to the client, which only a heartbeat can tell from a quiet one.
 */
export class FreezableProxy {
  private readonly connections = new Set<ProxiedConnection>();

  private constructor(
    private readonly server: Server,
    private readonly watchFor: string,
  ) {}

  static async start(target: { host: string; port: number }, watchFor: string): Promise<FreezableProxy> {
    const server = createServer();
    const proxy = new FreezableProxy(server, watchFor);
    server.on('connection', (client) => proxy.forward(client, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The open watched connections: the client's port (its socket on this machine) and the proxy's port towards the server. */
  watched(): { clientPort: number; upstreamPort: number }[] {
    return [...this.connections]
      .filter((connection) => connection.watched && !connection.client.destroyed)
      .map((connection) => ({
        clientPort: connection.client.remotePort as number,
        upstreamPort: connection.upstream.localPort as number,
      }));
  }

  /** Stops forwarding either way on every watched connection open now; resolves how many. */
  freezeWatched(): number {
    const watched = [...this.connections].filter((connection) => connection.watched && !connection.client.destroyed);
    for (const connection of watched) connection.frozen = true;
    return watched.length;
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) {
      connection.client.destroy();
      connection.upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket, target: { host: string; port: number }): void {
    const upstream = connect(target.port, target.host);
    const connection: ProxiedConnection = { client, upstream, watched: false, frozen: false };
    this.connections.add(connection);
    client.on('data', (chunk) => {
      if (!connection.watched && chunk.includes(this.watchFor)) connection.watched = true;
      if (!connection.frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!connection.frozen) client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.connections.delete(connection);
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  }
}
