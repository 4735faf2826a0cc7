import { DomainError } from '@chargeflow/contracts';

export class ChargePointAlreadyRegisteredError extends DomainError {
  readonly code = 'CHARGE_POINT_ALREADY_REGISTERED';

  constructor(chargePointId: string) {
    super(`charge point ${chargePointId} is already registered`, { chargePointId });
  }
}

export class ChargePointNotFoundError extends DomainError {
  readonly code = 'CHARGE_POINT_NOT_FOUND';

  constructor(chargePointId: string) {
    super(`no charge point ${chargePointId}`, { chargePointId });
  }
}
