import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { rpcErrorOf, type RpcError } from '@chargeflow/contracts';
import { isExposableError, statementTimeoutErrorOf } from './rpc-errors';

/**
 * Turns whatever a handler threw into the RpcError its caller receives: exposable errors (domain
 * errors, invalid requests) as they are, anything else as INTERNAL without its internals.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('rpc');

  catch(exception: unknown): Observable<RpcError> {
    return throwError(() => this.toRpcError(exception));
  }

  private toRpcError(exception: unknown): RpcError {
    if (isExposableError(exception)) return exception.toRpcError();
    const tooCostly = statementTimeoutErrorOf(exception);
    if (tooCostly) return tooCostly;
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return rpcErrorOf('INTERNAL_ERROR', 'the service failed to handle the request');
  }
}
