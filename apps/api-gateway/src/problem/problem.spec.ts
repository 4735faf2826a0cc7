import { Logger } from '@nestjs/common';
import { ErrorCatalogue, ErrorCodes, type RpcError, type RpcErrorCode } from '@chargeflow/contracts';
import { statementTimeoutErrorOf } from '@chargeflow/messaging';
import { problemOf } from '../backend/backend.client';
import { genericCodeOf, ProblemException, problemTypeOf } from './problem';

describe('problems', () => {
  afterEach(() => jest.restoreAllMocks());

  it('take their status and title from the catalogue entry of their code', () => {
    expect(new ProblemException('API_KEY_NAME_TAKEN', 'taken', { name: 'depot' }).toProblem()).toEqual({
      type: problemTypeOf('API_KEY_NAME_TAKEN'),
      title: 'API key name taken',
      status: 409,
      detail: 'taken',
      code: 'API_KEY_NAME_TAKEN',
      name: 'depot',
    });
  });

  it('keep status, title and code even when an extension names them', () => {
    const problem = new ProblemException('NOT_READY', 'not ready', { status: 200, title: 'Fine', code: 'OK' });
    expect(problem.toProblem()).toMatchObject({ status: 503, title: 'Not ready', code: 'NOT_READY' });
  });

  it('answer a statement a service stopped at its timeout as 413 QUERY_TOO_COSTLY, never as 503', () => {
    const problem = problemOf(statementTimeoutErrorOf({ code: '57014' }) as RpcError).toProblem();
    expect(problem).toMatchObject({ status: 413, code: 'QUERY_TOO_COSTLY' });
  });

  it("answer a service's error by its code, whatever kind it came with", () => {
    const problem = problemOf({ kind: 'INVALID', code: 'SESSION_NOT_FOUND', message: 'no session s-1' }).toProblem();
    expect(problem).toMatchObject({ status: 404, title: 'Session not found', code: 'SESSION_NOT_FOUND' });
  });

  it("pass on the analytics service's field errors, its rebuild progress and its conflict as it answers them", () => {
    const invalid = problemOf({
      kind: 'INVALID',
      code: 'VALIDATION_FAILED',
      message: 'the request is invalid: tz is not an IANA time zone',
      errors: [{ field: 'tz', message: 'tz is not an IANA time zone' }],
    }).toProblem();
    expect(invalid).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ field: 'tz' }] });
    const progress = { state: 'REBUILDING', sessionsRead: 1200, billingRecordsRead: 900 };
    const rebuilding = problemOf({
      kind: 'UNAVAILABLE',
      code: 'ANALYTICS_REBUILDING',
      message: 'the projection is being rebuilt',
      details: { rebuild: progress },
    }).toProblem();
    expect(rebuilding).toMatchObject({ status: 503, code: 'ANALYTICS_REBUILDING', rebuild: progress });
    const running = problemOf({ kind: 'CONFLICT', code: 'ANALYTICS_REBUILD_IN_PROGRESS', message: 'running' });
    expect(running.toProblem()).toMatchObject({ status: 409, code: 'ANALYTICS_REBUILD_IN_PROGRESS' });
  });

  it('answer a code this gateway does not know (a newer service) by its kind, and log it', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = {
      kind: 'CONFLICT' as const,
      code: 'VEHICLE_IN_MAINTENANCE' as RpcErrorCode,
      message: 'vehicle v-1 is in maintenance',
      details: { vehicleId: 'v-1' },
    };
    expect(problemOf(error).toProblem()).toEqual({
      type: problemTypeOf('CONFLICT'),
      title: 'Conflict',
      status: 409,
      detail: 'vehicle v-1 is in maintenance',
      code: 'CONFLICT',
      vehicleId: 'v-1',
      serviceCode: 'VEHICLE_IN_MAINTENANCE',
    });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('VEHICLE_IN_MAINTENANCE'));
  });

  it('do not let a service answer with a code only the gateway may answer', () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = { kind: 'INVALID' as const, code: 'RATE_LIMITED' as RpcErrorCode, message: 'slow down' };
    expect(problemOf(error).toProblem()).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      serviceCode: 'RATE_LIMITED',
    });
  });

  it('stand for a status with a generic code of that status, and for another status with a plain 400 or 500', () => {
    for (const code of ErrorCodes) {
      const { status } = ErrorCatalogue[code];
      expect({ status, generic: ErrorCatalogue[genericCodeOf(status)].status }).toEqual({ status, generic: status });
    }
    for (const status of [400, 401, 403, 404, 405, 406, 408, 409, 410, 411, 412, 413, 414, 415, 416, 422, 429, 431]) {
      expect({ status, generic: ErrorCatalogue[genericCodeOf(status)].status }).toEqual({ status, generic: status });
    }
    expect([genericCodeOf(418), genericCodeOf(502)]).toEqual(['BAD_REQUEST', 'INTERNAL_ERROR']);
  });
});
