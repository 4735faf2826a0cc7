import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { collectDefaultMetrics } from 'prom-client';
import { CommonRpcPatterns, type BackendService, type MetricsReport } from '@chargeflow/contracts';
import { metricsRegistry } from '@chargeflow/messaging';
import { SERVICE_NAME } from './service-tokens';

let processMetricsCollected = false;

/** Process metrics (CPU, memory, event loop) once per process, beside the messaging counters. */
export function collectProcessMetrics(): void {
  if (processMetricsCollected) return;
  processMetricsCollected = true;
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'chargeflow_' });
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
