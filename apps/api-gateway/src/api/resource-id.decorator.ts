import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import '../idempotency/resource-id';

/** The id a create passes on for its new resource when the caller sent an Idempotency-Key; undefined otherwise. */
export const ResourceId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<FastifyRequest>().resourceId,
);
