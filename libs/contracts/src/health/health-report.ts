import type { AnalyticsRebuildProgress } from '../analytics/analytics-rpc';
import type { BackendService } from '../services';

export type DependencyStatus = 'up' | 'down';

/** The answer to `health.v1`: what a service can reach right now. */
export interface HealthReport {
  service: BackendService;
  status: DependencyStatus;
  database: DependencyStatus;
  broker: DependencyStatus;
  checkedAt: string;
  /** Present while the service rebuilds its projection from upstream: it is up, and this is how far it got. */
  rebuilding?: AnalyticsRebuildProgress;
}
