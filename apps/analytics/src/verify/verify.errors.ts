import { DomainError } from '@chargeflow/contracts';

export class AnalyticsVerifyRunNotFoundError extends DomainError {
  readonly code = 'ANALYTICS_VERIFY_RUN_NOT_FOUND';

  constructor(id: string) {
    super(`no verification of the analytics projection has the id ${id}`, { id });
  }
}
