import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AnalyticsExplainRequest,
  AnalyticsRpc,
  AnalyticsSessionsRequest,
  AnalyticsSummaryRequest,
  AnalyticsTimeseriesRequest,
  type AnalyticsExplanation,
  type AnalyticsSessionRow,
  type AnalyticsSummary,
  type AnalyticsTimeseries,
  type GroupedAnalyticsSummary,
  type Page,
} from '@chargeflow/contracts';
import { ExplainHandler } from './explain/explain.handler';
import { SessionsPageHandler } from './export-sessions/sessions-page.handler';
import { SummarizeHandler } from './summarize/summarize.handler';
import { TimeseriesHandler } from './timeseries/timeseries.handler';

/** Read-only queries over the projection; payloads are validated by the contract classes. */
@Controller()
export class AnalyticsQueryRpcController {
  constructor(
    private readonly summarize: SummarizeHandler,
    private readonly timeseries: TimeseriesHandler,
    private readonly explainMetric: ExplainHandler,
    private readonly sessionsPage: SessionsPageHandler,
  ) {}

  @MessagePattern(AnalyticsRpc.summary)
  summary(@Payload() request: AnalyticsSummaryRequest): Promise<AnalyticsSummary | GroupedAnalyticsSummary> {
    return this.summarize.execute(request);
  }

  @MessagePattern(AnalyticsRpc.timeseries)
  series(@Payload() request: AnalyticsTimeseriesRequest): Promise<AnalyticsTimeseries> {
    return this.timeseries.execute(request);
  }

  @MessagePattern(AnalyticsRpc.explain)
  explain(@Payload() request: AnalyticsExplainRequest): Promise<AnalyticsExplanation> {
    return this.explainMetric.execute(request);
  }

  @MessagePattern(AnalyticsRpc.sessions)
  sessions(@Payload() request: AnalyticsSessionsRequest): Promise<Page<AnalyticsSessionRow>> {
    return this.sessionsPage.execute(request);
  }
}
