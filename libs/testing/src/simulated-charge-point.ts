import { RPCClient } from 'ocpp-rpc';
import type { RPC_ClientOptions } from 'ocpp-rpc/lib/client';

export interface ChargePointOptions {
  endpoint: string;
  identity: string;
  password?: string;
  /** The library's schema check of what this charge point sends; off to send what a broken charger would. */
  strictMode?: boolean;
}

/**
 * A charge point as tests drive it: the OCPP-J library's own client (ocpp-rpc's RPCClient), speaking
 * ocpp1.6 with HTTP Basic auth, without reconnecting on its own.
 */
export function aChargePoint(options: ChargePointOptions): RPCClient {
  return new RPCClient({
    endpoint: options.endpoint,
    identity: options.identity,
    password: options.password ?? null,
    protocols: ['ocpp1.6'],
    strictMode: options.strictMode ?? true,
    reconnect: false,
    callTimeoutMs: 10_000,
  } as Partial<RPC_ClientOptions> as RPC_ClientOptions);
}

/** The HTTP status a refused WebSocket upgrade answered with. */
export async function upgradeRefusal(client: RPCClient): Promise<number | undefined> {
  try {
    await client.connect();
  } catch (error) {
    return (error as { code?: number }).code;
  }
  await client.close({ force: true });
  return undefined;
}
