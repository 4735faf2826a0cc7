import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ErrorCatalogue,
  isErrorCode,
  RpcErrorStatuses,
  type BackendService,
  type RpcError,
} from '@chargeflow/contracts';
import { RpcClient } from '@chargeflow/messaging';
import { GatewayConfig } from '../config';
import { genericCodeOf, ProblemException } from '../problem/problem';

const logger = new Logger('backend');

const serviceStatuses = new Set<number>(Object.values(RpcErrorStatuses));

/**
 * A service's typed error as the problem the client sees: its code gives the status and title. A
 * newer service may answer a code this gateway's catalogue lacks (or one only the gateway may answer):
 * that answers as the generic problem of its kind, keeps the service's code as `serviceCode`, and is logged.
 */
export function problemOf(error: RpcError): ProblemException {
  const extensions: Record<string, unknown> = { ...(error.details ?? {}) };
  if (error.errors) extensions.errors = error.errors;
  // Read from the wire, so not necessarily a code of this build's catalogue.
  const code: string = error.code;
  if (isErrorCode(code) && serviceStatuses.has(ErrorCatalogue[code].status)) {
    return new ProblemException(code, error.message, extensions);
  }
  logger.warn(`a service answered the error code ${code}, which this gateway does not know; answered by its kind`);
  return new ProblemException(genericCodeOf(RpcErrorStatuses[error.kind] ?? 500), error.message, {
    ...extensions,
    serviceCode: code.slice(0, 100),
  });
}

/**
 * The gateway's one way to reach the services behind it: RPC over RabbitMQ with the request id as
 * correlation id and a deadline. A service that does not answer in time becomes 503 (see ProblemFilter).
 */
@Injectable()
export class BackendClient {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(GatewayConfig) private readonly config: GatewayConfig,
  ) {}

  async call<T>(service: BackendService, pattern: string, payload: object, requestId: string): Promise<T> {
    const reply = await this.rpc.request<T>(service, pattern, payload, {
      correlationId: requestId,
      timeoutMs: this.config.RPC_TIMEOUT_MS,
    });
    if (!reply.ok) throw problemOf(reply.error);
    return reply.data;
  }
}
