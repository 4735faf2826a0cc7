import type { BackendService } from '../services';

/** The answer to `metrics.v1`: the instance's metrics in the Prometheus text exposition format. */
export interface MetricsReport {
  service: BackendService;
  exposition: string;
}
