import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const NOT_IDEMPOTENT_KEY = 'chargeflow:not-idempotent';

/**
 * Opts a POST route out of Idempotency-Key replay (every other POST honours the header). A request
 * that sends the header anyway gets 400 rather than a silent second effect on retry.
 */
export const NotIdempotent = (reason: string) =>
  applyDecorators(SetMetadata(NOT_IDEMPOTENT_KEY, reason), ApiExtension('x-chargeflow-not-idempotent', reason));
