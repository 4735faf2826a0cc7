import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { rpcErrorOf, type RpcError, type RpcFieldError } from '@chargeflow/contracts';
import type { ExposableError } from './rpc-errors';

/** A request payload that failed validation, with one entry per offending field. */
export class InvalidRequestError extends Error implements ExposableError {
  constructor(readonly errors: RpcFieldError[]) {
    super(`invalid request: ${errors.map((error) => error.message).join('; ')}`);
    this.name = 'InvalidRequestError';
  }

  toRpcError(): RpcError {
    return rpcErrorOf('VALIDATION_FAILED', 'the request is invalid', { errors: this.errors });
  }
}

export function fieldErrorsOf(errors: ValidationError[], parent = ''): RpcFieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldErrorsOf(error.children ?? [], field)];
  });
}

/** The pipe every RPC payload goes through: strict, whitelisted, no implicit conversion. */
export function rpcValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new InvalidRequestError(fieldErrorsOf(errors)),
  });
}
