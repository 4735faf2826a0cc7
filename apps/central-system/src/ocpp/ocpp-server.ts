import type { Server } from 'node:http';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { RPCServer, type IHandlersOption } from 'ocpp-rpc';
import { CHARGE_POINT_ID_PATTERN } from '@chargeflow/contracts';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { chargePointPasswordMatches } from '../charge-point/domain/charge-point-password';
import { ChargePointRepository } from '../charge-point/infrastructure/charge-point.repository';
import { CentralSystemConfig } from '../config';
import { FrameRecorder, type FrameSource } from '../protocol-log/record-frames/frame.recorder';
import { ConnectionRegistry, type LocalChargePoint } from '../remote-command/connection.registry';
import { OCPP_ACTION_HANDLERS, type OcppActionHandler } from './ocpp-action';

export const OCPP_SUBPROTOCOL = 'ocpp1.6';
export const OCPP_PATH = '/ocpp';
/** Largest frame a charge point may send; a bigger one closes its socket (ws answers 1009). */
const MAX_FRAME_BYTES = 64 * 1024;

/** What the server hands out per connection (ocpp-rpc's RPCServerClient, as this file uses it). */
interface ServerClient extends LocalChargePoint, FrameSource {
  identity: string;
  once(event: 'close', listener: () => void): void;
  on(event: 'message', listener: (frame: { message: string | Buffer; outbound: boolean }) => void): void;
  handle(method: string, handler: (call: IHandlersOption) => Promise<Record<string, unknown>>): void;
}

/**
 * The OCPP 1.6J endpoint: `ws://<host>:<port>/ocpp/<chargePointId>`, subprotocol ocpp1.6, HTTP Basic
 * auth with the charge point's registered password (security profile 1). Every frame is validated
 * against the official OCPP 1.6 JSON schemas in both directions (the library's strict mode); an
 * action without a handler is answered NotImplemented.
 */
@Injectable()
export class OcppServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly server: RPCServer;
  private http: Server | null = null;

  constructor(
    private readonly config: CentralSystemConfig,
    private readonly chargePoints: ChargePointRepository,
    private readonly connections: ConnectionRegistry,
    private readonly frames: FrameRecorder,
    @Inject(OCPP_ACTION_HANDLERS) private readonly handlers: OcppActionHandler[],
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {
    this.server = new RPCServer({
      protocols: [OCPP_SUBPROTOCOL],
      strictMode: true,
      wssOptions: { maxPayload: MAX_FRAME_BYTES },
    });
    this.server.auth((accept, reject, handshake) => {
      this.authenticate(handshake.endpoint, handshake.identity, handshake.protocols, handshake.password).then(
        (refusal) => (refusal ? reject(refusal.status, refusal.reason) : accept({}, OCPP_SUBPROTOCOL)),
        (error: unknown) => {
          this.logger.error({ err: error, chargePointId: handshake.identity }, 'charge point authentication failed');
          reject(503, 'Service Unavailable');
        },
      );
    });
    this.server.on('client', (client: ServerClient) => this.attach(client));
  }

  get url(): string {
    return `ws://${this.config.CENTRAL_SYSTEM_HOST}:${this.config.CENTRAL_SYSTEM_PORT}${OCPP_PATH}/<chargePointId>`;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.http = await this.server.listen(this.config.CENTRAL_SYSTEM_PORT, this.config.CENTRAL_SYSTEM_HOST);
    this.logger.info({ event: 'ocpp.listening', url: this.url }, `OCPP 1.6J at ${this.url}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.server.close({ code: 1001, reason: 'Going away', awaitPending: true });
    this.http?.close();
    // The last frames (the closes' answers among them) go to the protocol log before the broker connection closes.
    await this.frames.flush();
  }

  /** Why a WebSocket upgrade is refused, or null to accept it. */
  private async authenticate(
    endpoint: string,
    identity: string,
    protocols: Set<string>,
    password: Buffer | undefined,
  ): Promise<{ status: number; reason: string } | null> {
    if (endpoint !== OCPP_PATH) return { status: 404, reason: 'Not Found' };
    if (!protocols.has(OCPP_SUBPROTOCOL)) return { status: 400, reason: 'Subprotocol ocpp1.6 required' };
    const unauthorized = { status: 401, reason: 'Unauthorized' };
    if (!CHARGE_POINT_ID_PATTERN.test(identity) || !password) return unauthorized;
    const chargePoint = await this.chargePoints.find(identity);
    if (!chargePoint) return unauthorized;
    return (await chargePointPasswordMatches(password.toString('utf8'), chargePoint.passwordHash))
      ? null
      : unauthorized;
  }

  private attach(client: ServerClient): void {
    const chargePoint = { chargePointId: client.identity };
    this.frames.attach(chargePoint.chargePointId, client);
    for (const handler of this.handlers) {
      client.handle(
        handler.action,
        ({ params }) => handler.handle(chargePoint, params) as Promise<Record<string, unknown>>,
      );
    }
    const log = { chargePointId: chargePoint.chargePointId, instanceId: this.connections.instanceId };
    const connected = this.connections.connected(chargePoint.chargePointId, client);
    connected.then(
      () => this.logger.info({ event: 'ocpp.connected', ...log }, 'charge point connected'),
      (error: unknown) => this.logger.error({ err: error, ...log }, 'a connection could not be recorded'),
    );
    client.once('close', () => {
      void connected
        .then((connectionId) => this.connections.disconnected(chargePoint.chargePointId, connectionId))
        .then(
          () => this.logger.info({ event: 'ocpp.disconnected', ...log }, 'charge point disconnected'),
          (error: unknown) => this.logger.error({ err: error, ...log }, 'a disconnection could not be recorded'),
        );
    });
  }
}
