import { DomainError, rpcErrorOf } from '../rpc/domain-error';
import { RpcErrorStatuses, type RpcErrorCode } from '../rpc/rpc-reply';
import { ErrorCatalogue, ErrorCodes, isErrorCode } from './error-catalogue';

class VehicleBusyError extends DomainError {
  readonly code = 'VEHICLE_HAS_ACTIVE_SESSION';
}

describe('the error catalogue', () => {
  it('gives every code an error status, a title and one sentence saying what it means and what to do', () => {
    for (const code of ErrorCodes) {
      const { status, title, description } = ErrorCatalogue[code];
      expect({ code, status, title, description }).toEqual({
        code: expect.stringMatching(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/),
        status: expect.any(Number),
        title: expect.stringMatching(/^[A-Z][^.]{2,40}$/),
        description: expect.stringMatching(/^[A-Z][^;]+; [^;]+\.$/),
      });
      expect({ code, sentences: description.split(/\. (?=[A-Z])/).length }).toEqual({ code, sentences: 1 });
      expect({ code, isError: status >= 400 && status < 600 }).toEqual({ code, isError: true });
    }
  });

  it('knows its own codes only', () => {
    expect(isErrorCode('SESSION_NOT_FOUND')).toBe(true);
    expect(isErrorCode('NOT_A_REAL_CODE')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });

  it("sends a domain error with the kind of its code's status, which the catalogue alone states", () => {
    expect(new VehicleBusyError('busy', { activeSessionId: 'a' }).toRpcError()).toEqual({
      kind: 'CONFLICT',
      code: 'VEHICLE_HAS_ACTIVE_SESSION',
      message: 'busy',
      details: { activeSessionId: 'a' },
    });
    const serviceStatuses: number[] = Object.values(RpcErrorStatuses);
    for (const code of ErrorCodes.filter((candidate) => serviceStatuses.includes(ErrorCatalogue[candidate].status))) {
      const { kind } = rpcErrorOf(code as RpcErrorCode, 'failed');
      expect({ code, status: RpcErrorStatuses[kind] }).toEqual({ code, status: ErrorCatalogue[code].status });
    }
  });
});
