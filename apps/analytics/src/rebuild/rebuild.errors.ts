import { DomainError, type AnalyticsRebuildProgress } from '@chargeflow/contracts';

export class AnalyticsRebuildInProgressError extends DomainError {
  readonly code = 'ANALYTICS_REBUILD_IN_PROGRESS';

  constructor(progress: AnalyticsRebuildProgress) {
    super('a rebuild of the analytics projection is already running', { progress });
  }
}
