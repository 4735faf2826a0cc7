import { Module } from '@nestjs/common';
import { AnalyticsQueryRpcController } from './analytics-query.rpc.controller';
import { ExplainHandler } from './explain/explain.handler';
import { SessionsPageHandler } from './export-sessions/sessions-page.handler';
import { ProjectionReader } from './infrastructure/projection-reader';
import { RollupFiguresQuery } from './infrastructure/rollup-figures.query';
import { SessionFactsQuery } from './infrastructure/session-facts.query';
import { SummarizeHandler } from './summarize/summarize.handler';
import { TimeseriesHandler } from './timeseries/timeseries.handler';

/** Summaries, series, explanations and export pages, answered from the projection's rollups. */
@Module({
  controllers: [AnalyticsQueryRpcController],
  providers: [
    ProjectionReader,
    RollupFiguresQuery,
    SessionFactsQuery,
    SummarizeHandler,
    TimeseriesHandler,
    ExplainHandler,
    SessionsPageHandler,
  ],
})
export class AnalyticsQueryModule {}
