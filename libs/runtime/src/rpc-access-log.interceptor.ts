import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Logger } from 'pino';
import { tap, type Observable } from 'rxjs';
import { CommonRpcPatterns } from '@chargeflow/contracts';
import type { RpcRequestContext } from '@chargeflow/messaging';

/**
 * One JSON line per RPC request handled, carrying the caller's correlation id (the gateway's request
 * id), so a request can be followed into every service's log. Health probes log at debug only.
 */
@Injectable()
export class RpcAccessLogInterceptor implements NestInterceptor {
  constructor(private readonly logger: Logger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const pattern = context.switchToRpc().getContext<RpcRequestContext>().envelope.type;
    const level = pattern === CommonRpcPatterns.health ? 'debug' : 'info';
    const startedAt = performance.now();
    const done = (outcome: 'ok' | 'error') =>
      this.logger[level](
        { event: 'rpc.handled', pattern, outcome, durationMs: Math.round((performance.now() - startedAt) * 10) / 10 },
        `${pattern} ${outcome}`,
      );
    return next.handle().pipe(tap({ complete: () => done('ok'), error: () => done('error') }));
  }
}
