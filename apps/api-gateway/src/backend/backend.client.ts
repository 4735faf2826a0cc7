import { Inject, Injectable } from '@nestjs/common';
import type { BackendService, RpcError, RpcErrorKind } from '@chargeflow/contracts';
import { RpcClient } from '@chargeflow/messaging';
import { GatewayConfig } from '../config';
import { ProblemException, titleOf } from '../problem/problem';

const STATUS_OF: Record<RpcErrorKind, number> = {
  INVALID: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** A service's typed error as the problem the client sees: the kind picks the status, the code stays. */
export function problemOf(error: RpcError): ProblemException {
  const extensions: Record<string, unknown> = { ...(error.details ?? {}) };
  if (error.errors) extensions.errors = error.errors;
  return new ProblemException(
    STATUS_OF[error.kind],
    error.code,
    titleOf(STATUS_OF[error.kind]),
    error.message,
    extensions,
  );
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
