import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { collectDefaultMetrics } from 'prom-client';
import { CommonRpcPatterns, type BackendService, type MetricsReport } from '@chargeflow/contracts';
import { metricsRegistry } from '@chargeflow/messaging';
import { exportEventLoopDelay } from './event-loop-delay';
import { SERVICE_NAME } from './service-tokens';

let processMetricsCollected = false;

/**
 * Process metrics (CPU, memory, event loop) once per process, beside the messaging counters. The event
 * loop's delay is our own gauges; prom-client's own monitor, whose gauges they replace, is started by
 * `collectDefaultMetrics` in any case and samples once a second.
 */
export function collectProcessMetrics(): void {
  if (processMetricsCollected) return;
  processMetricsCollected = true;
  const prefix = 'chargeflow_';
  collectDefaultMetrics({ register: metricsRegistry, prefix, eventLoopMonitoringPrecision: 1_000 });
  exportEventLoopDelay(metricsRegistry, prefix);
}

/** Answers `metrics.v1` with this instance's metrics; the gateway serves them at `GET /metrics`. */
@Controller()
export class MetricsRpcController {
  constructor(@Inject(SERVICE_NAME) private readonly service: BackendService) {
    collectProcessMetrics();
  }

  @MessagePattern(CommonRpcPatterns.metrics)
  async report(): Promise<MetricsReport> {
    return { service: this.service, exposition: await metricsRegistry.metrics() };
  }
}
