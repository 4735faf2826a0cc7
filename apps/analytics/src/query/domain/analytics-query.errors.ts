import { DomainError, type AnalyticsRebuildProgress, type RpcError, type RpcFieldError } from '@chargeflow/contracts';

/** A query the rollups cannot answer as asked, one entry per parameter at fault. */
export class AnalyticsQueryInvalidError extends DomainError {
  readonly code = 'VALIDATION_FAILED';

  constructor(readonly errors: RpcFieldError[]) {
    super(`the analytics query is invalid: ${errors.map((error) => `${error.field} ${error.message}`).join('; ')}`);
  }

  override toRpcError(): RpcError {
    return { ...super.toRpcError(), errors: this.errors };
  }
}

/** The projection is being built from upstream: no answer until it is whole. */
export class AnalyticsRebuildingError extends DomainError {
  readonly code = 'ANALYTICS_REBUILDING';

  constructor(progress: AnalyticsRebuildProgress) {
    super('the analytics projection is being rebuilt; ask again once it is whole', { progress });
  }
}

/** A query ran past the statement timeout (the projection was locked, say, by a rebuild's switch-over). */
export class AnalyticsQueryTimedOutError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE';

  constructor(timeoutMs: number) {
    super(`the analytics query did not finish within ${timeoutMs} ms; ask again`, { timeoutMs });
  }
}
