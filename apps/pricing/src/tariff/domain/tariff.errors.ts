import { DomainError, type RpcError, type RpcFieldError } from '@chargeflow/contracts';

export class TariffInvalidError extends DomainError {
  readonly code = 'TARIFF_INVALID';

  constructor(readonly errors: RpcFieldError[]) {
    super(`the tariff is invalid: ${errors.map((error) => `${error.field} ${error.message}`).join('; ')}`);
  }

  override toRpcError(): RpcError {
    return { ...super.toRpcError(), errors: this.errors };
  }
}

export class UnknownCurrencyError extends DomainError {
  readonly code = 'UNKNOWN_CURRENCY';

  constructor(currency: string) {
    super(`no minor unit is known for the currency ${currency}`, { currency });
  }
}

export class PricingInputInvalidError extends DomainError {
  readonly code = 'PRICING_INPUT_INVALID';

  constructor(readonly errors: RpcFieldError[]) {
    super(`the session to price is invalid: ${errors.map((error) => `${error.field} ${error.message}`).join('; ')}`);
  }

  override toRpcError(): RpcError {
    return { ...super.toRpcError(), errors: this.errors };
  }
}

export class SessionEndsBeforeStartError extends DomainError {
  readonly code = 'PRICING_ENDS_BEFORE_START';

  constructor(startedAt: string, endedAt: string) {
    super(`a session ending at ${endedAt} before its start ${startedAt} cannot be priced`, { startedAt, endedAt });
  }
}

export class TariffNotApplicableError extends DomainError {
  readonly code = 'TARIFF_NOT_APPLICABLE';

  constructor(tariffId: string, tariffKind: string, sessionKind: string) {
    super(`tariff ${tariffId} prices ${tariffKind} sessions, not ${sessionKind}`, {
      tariffId,
      tariffKind,
      sessionKind,
    });
  }
}
