import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { BackendServices, CommonRpcPatterns, type BackendService, type MetricsReport } from '@chargeflow/contracts';
import { metricsRegistry, RpcClient, RpcUnavailableError } from '@chargeflow/messaging';
import { RequestId } from '../api/request-id.decorator';
import { RoleSets } from '../auth/role-policy';
import { Roles } from '../auth/roles.decorator';
import { GatewayConfig } from '../config';
import { ApiProblems, serviceUnavailable } from '../openapi/api-problems.decorator';
import { ProblemException } from '../problem/problem';
import { mergeExpositions } from './exposition';

const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const SERVICE_UP_HEADER = `# HELP chargeflow_service_up Whether the service answered this scrape (1) or not (0)
# TYPE chargeflow_service_up gauge`;

const EXAMPLE = `# HELP chargeflow_http_requests_total HTTP requests answered by the gateway, by method, route template and status
# TYPE chargeflow_http_requests_total counter
chargeflow_http_requests_total{service="api-gateway",method="POST",route="/v1/rides",status="201"} 1024
# HELP chargeflow_messages_consumed_total Messages handled and acknowledged, by queue
# TYPE chargeflow_messages_consumed_total counter
chargeflow_messages_consumed_total{service="pricing",queue="pricing.session-finalized"} 512
`;

/**
 * Prometheus metrics: the gateway's own (requests and latency by route and status) and each
 * service's (messages consumed, rejected, dead-lettered; outbox backlog), asked for over RPC.
 */
@ApiTags('Operations')
@ApiBearerAuth()
@Roles(...RoleSets.reads)
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(GatewayConfig) private readonly config: GatewayConfig,
  ) {}

  @Get()
  @Header('content-type', PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({
    summary: 'Metrics of the gateway and every service',
    description: 'A service that does not answer in time shows as `chargeflow_service_up{service} 0`.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition, every sample labelled with its `service`.',
    content: { 'text/plain': { schema: { type: 'string' }, example: EXAMPLE } },
  })
  async all(@RequestId() requestId: string): Promise<string> {
    const reports = await Promise.all(
      BackendServices.map((service) => this.report(service, requestId).catch(() => null)),
    );
    const up = BackendServices.map(
      (service, index) => `chargeflow_service_up{service="${service}"} ${reports[index] ? 1 : 0}`,
    );
    return mergeExpositions([
      { labels: { service: 'api-gateway' }, text: await metricsRegistry.metrics() },
      { labels: {}, text: [SERVICE_UP_HEADER, ...up].join('\n') },
      ...reports.flatMap((report) =>
        report ? [{ labels: { service: report.service }, text: report.exposition }] : [],
      ),
    ]);
  }

  @Get(':service')
  @Header('content-type', PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({ summary: "One service's metrics", description: 'For scraping each service as its own target.' })
  @ApiParam({ name: 'service', enum: BackendServices, example: 'sessions' })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition of that service.',
    content: { 'text/plain': { schema: { type: 'string' }, example: EXAMPLE } },
  })
  @ApiProblems(
    {
      code: 'UNKNOWN_SERVICE',
      detail: 'no service "billing"; known: sessions, telemetry, pricing, analytics',
    },
    serviceUnavailable('sessions'),
  )
  async one(@Param('service') service: string, @RequestId() requestId: string): Promise<string> {
    if (!(BackendServices as readonly string[]).includes(service)) {
      throw new ProblemException('UNKNOWN_SERVICE', `no service "${service}"; known: ${BackendServices.join(', ')}`);
    }
    const report = await this.report(service as BackendService, requestId);
    return mergeExpositions([{ labels: { service: report.service }, text: report.exposition }]);
  }

  private async report(service: BackendService, requestId: string): Promise<MetricsReport> {
    const reply = await this.rpc.request<MetricsReport>(
      service,
      CommonRpcPatterns.metrics,
      {},
      {
        correlationId: requestId,
        timeoutMs: this.config.READINESS_TIMEOUT_MS,
      },
    );
    if (!reply.ok) throw new RpcUnavailableError(service, CommonRpcPatterns.metrics, reply.error.message);
    return reply.data;
  }
}
