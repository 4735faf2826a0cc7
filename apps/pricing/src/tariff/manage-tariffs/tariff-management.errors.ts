import { DomainError } from '@chargeflow/contracts';

export class TariffNotFoundError extends DomainError {
  readonly code = 'TARIFF_NOT_FOUND';

  constructor(tariffId: string) {
    super(`no tariff ${tariffId}`, { tariffId });
  }
}

export class TariffAlreadyExistsError extends DomainError {
  readonly code = 'TARIFF_ALREADY_EXISTS';

  /** One tariff per target: a change is a new version of the existing one. */
  constructor(target: string, tariffId: string | null) {
    super(`${target} already has the tariff ${tariffId}; publish a new version of it instead`, { tariffId });
  }
}

export class TariffTargetChangedError extends DomainError {
  readonly code = 'TARIFF_TARGET_CHANGED';

  /** A version prices what its tariff prices; another target is another tariff. */
  constructor(tariffId: string) {
    super(`a new version of tariff ${tariffId} must keep its appliesTo`, {
      errors: [{ field: 'appliesTo', message: 'must stay as in the previous versions' }],
    });
  }
}

export class EffectiveFromBeforePreviousError extends DomainError {
  readonly code = 'EFFECTIVE_FROM_BEFORE_PREVIOUS';

  constructor(previous: Date) {
    super(`a new version cannot take effect before the previous one (${previous.toISOString()})`, {
      errors: [{ field: 'effectiveFrom', message: `must not be before ${previous.toISOString()}` }],
    });
  }
}

export class EffectiveFromInPastError extends DomainError {
  readonly code = 'EFFECTIVE_FROM_IN_PAST';

  constructor(now: Date) {
    super(`a next version cannot take effect before now (${now.toISOString()})`, {
      errors: [{ field: 'effectiveFrom', message: `must not be before now (${now.toISOString()})` }],
    });
  }
}

export class TariffNotInForceError extends DomainError {
  readonly code = 'TARIFF_NOT_IN_FORCE';

  constructor(tariffId: string) {
    super(`tariff ${tariffId} has no version in force yet`, { tariffId });
  }
}
