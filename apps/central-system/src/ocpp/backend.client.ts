import { Injectable } from '@nestjs/common';
import { createRPCError } from 'ocpp-rpc';
import type { BackendService, RpcError } from '@chargeflow/contracts';
import { RpcClient } from '@chargeflow/messaging';

/** How long a charge point's call waits for a service before it is answered InternalError. */
const BACKEND_TIMEOUT_MS = 10_000;

/** A service's refusal, kept typed so a handler can answer the charge point by its code. */
export class BackendRefusal extends Error {
  constructor(readonly error: RpcError) {
    super(error.message);
  }
}

/**
 * The services behind the central-system as OCPP handlers call them: RPC over the broker with a
 * deadline. When one does not answer, the charge point gets a CALLERROR InternalError and retries
 * the call, as OCPP expects.
 */
@Injectable()
export class BackendClient {
  constructor(private readonly rpc: RpcClient) {}

  async call<T>(
    service: BackendService,
    pattern: string,
    payload: object,
    correlationId: string,
    timeoutMs = BACKEND_TIMEOUT_MS,
  ): Promise<T> {
    const reply = await this.rpc.request<T>(service, pattern, payload, { correlationId, timeoutMs }).catch(() => {
      throw createRPCError('InternalError', `the ${service} service did not answer; retry later`, {});
    });
    if (!reply.ok) throw new BackendRefusal(reply.error);
    return reply.data;
  }
}
