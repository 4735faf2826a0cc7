import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';
import { ProblemException } from '../problem/problem';
import { IdempotencyRepository } from './idempotency.repository';
import { NOT_IDEMPOTENT_KEY } from './idempotent.decorator';
import { isValidIdempotencyKey, requestFingerprint } from './request-fingerprint';
import { resourceIdOf } from './resource-id';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAY_HEADER = 'idempotent-replayed';

/**
 * `Idempotency-Key` on any authenticated POST: the first response is stored for 24 h; the same key
 * with the same request replays it, with a different request is 422, and while the first is still
 * running is 409. Failed requests are not stored, so they may be retried with the same key. A
 * request that timed out (503) may still have been carried out: creates therefore pass on an id
 * derived from the key (`request.resourceId`), so their retry finds what the lost attempt created.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('idempotency');

  constructor(
    private readonly reflector: Reflector,
    private readonly records: IdempotencyRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (request.method !== 'POST' || key === undefined || !request.principal) return next.handle();
    const notIdempotent = this.reflector.get<string | undefined>(NOT_IDEMPOTENT_KEY, context.getHandler());
    if (notIdempotent)
      throw new ProblemException(
        'IDEMPOTENCY_NOT_SUPPORTED',
        `this route does not take an Idempotency-Key: ${notIdempotent}`,
      );
    if (typeof key !== 'string' || !isValidIdempotencyKey(key)) {
      throw new ProblemException(
        'IDEMPOTENCY_KEY_INVALID',
        'Idempotency-Key must be 1 to 255 visible ASCII characters, sent once',
      );
    }
    const keyId = request.principal.keyId;
    const fingerprint = requestFingerprint(request.method, request.url.split('?')[0], request.body);
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    return from(this.records.claim(keyId, key, fingerprint)).pipe(
      mergeMap((claim) => {
        switch (claim.outcome) {
          case 'claimed':
            request.resourceId = resourceIdOf(keyId, key, fingerprint);
            return next.handle().pipe(
              mergeMap(async (body: unknown) => {
                await this.records.complete(keyId, key, status, body);
                return body;
              }),
              catchError(async (error: unknown) => {
                await this.records
                  .release(keyId, key)
                  .catch((failure: Error) =>
                    this.logger.warn(`could not release an idempotency key: ${failure.message}`),
                  );
                throw error;
              }),
            );
          case 'replay':
            void context.switchToHttp().getResponse<FastifyReply>().header(IDEMPOTENT_REPLAY_HEADER, 'true');
            return of(claim.body);
          case 'mismatch':
            throw new ProblemException(
              'IDEMPOTENCY_KEY_REUSED',
              'this Idempotency-Key was used for a different request; use a new key for a new request',
            );
          case 'in-progress':
            throw new ProblemException(
              'IDEMPOTENCY_REQUEST_IN_PROGRESS',
              'a request with this Idempotency-Key is still being handled; retry later',
              {},
              { 'retry-after': '1' },
            );
        }
      }),
    );
  }
}
