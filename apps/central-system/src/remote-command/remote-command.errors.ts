import { DomainError } from '@chargeflow/contracts';

export class ChargePointNotConnectedError extends DomainError {
  readonly code = 'CHARGE_POINT_NOT_CONNECTED';

  constructor(chargePointId: string) {
    super(`charge point ${chargePointId} is not connected`, { chargePointId });
  }
}

export class ChargePointTimeoutError extends DomainError {
  readonly code = 'CHARGE_POINT_TIMEOUT';

  constructor(chargePointId: string, timeoutMs: number) {
    super(`charge point ${chargePointId} did not answer within ${timeoutMs} ms`, { chargePointId });
  }
}

export class TransactionNotFoundError extends DomainError {
  readonly code = 'TRANSACTION_NOT_FOUND';

  constructor(sessionId: string) {
    super(`no running OCPP transaction for session ${sessionId}`, { sessionId });
  }
}
