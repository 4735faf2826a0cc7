import type { BackendService } from '../services';

export type DependencyStatus = 'up' | 'down';

/** The answer to `health.v1`: what a service can reach right now. */
export interface HealthReport {
  service: BackendService;
  status: DependencyStatus;
  database: DependencyStatus;
  broker: DependencyStatus;
  checkedAt: string;
}
