import type { Readable } from 'node:stream';
import { Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AnalyticsRpc,
  type AnalyticsExplanation,
  type AnalyticsRebuildProgress,
  type AnalyticsSessionRow,
  type AnalyticsStatus,
  type AnalyticsSummary,
  type AnalyticsTimeseries,
  type AnalyticsVerifyRun,
  type GroupedAnalyticsSummary,
  type Page,
} from '@chargeflow/contracts';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable, type DocumentedProblem } from '../../openapi/api-problems.decorator';
import { IdParams } from '../id-params';
import { RequestId } from '../request-id.decorator';
import {
  AnalyticsExplainQuery,
  AnalyticsExplanationDocument,
  AnalyticsPeriodQuery,
  AnalyticsRebuildProgressDocument,
  AnalyticsSessionRowDocument,
  AnalyticsSessionRowPageDocument,
  AnalyticsSessionsQuery,
  AnalyticsStatusDocument,
  AnalyticsSummaryDocument,
  AnalyticsSummaryQuery,
  AnalyticsTimeseriesDocument,
  AnalyticsTimeseriesQuery,
  AnalyticsVerifyRunDocument,
  GroupedAnalyticsSummaryPageDocument,
} from './analytics.dto';
import { EXPORT_PAGE_SIZE, exportFormatOf, ExportFormats, exportStream, SESSION_COLUMNS } from './session-export';

const rebuilding: DocumentedProblem = {
  code: 'ANALYTICS_REBUILDING',
  detail: 'the analytics projection is being rebuilt: 120000 of the sessions read so far',
};

/** Read-only figures over finalized sessions and their billing, each traceable to its sessions. */
@ApiTags('Analytics')
@ApiBearerAuth()
@Controller('v1')
export class AnalyticsController {
  constructor(private readonly backend: BackendClient) {}

  @Get('analytics/summary')
  @Roles(...RoleSets.analyticsReads)
  @ApiOperation({
    summary: 'Summarize finalized sessions',
    description:
      'A session counts in the range that contains its `endedAt`; ranges are half-open [from, to). ' +
      'With `groupBy`, one summary per group in cursor pages, highest energy first.',
  })
  @ApiExtraModels(AnalyticsSummaryDocument, GroupedAnalyticsSummaryPageDocument)
  @ApiOkResponse({
    description: 'A summary; with `groupBy`, a page of summaries with their `group`.',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(AnalyticsSummaryDocument) },
        { $ref: getSchemaPath(GroupedAnalyticsSummaryPageDocument) },
      ],
    },
  })
  @ApiProblems(rebuilding, serviceUnavailable('analytics'))
  summary(
    @Query() query: AnalyticsSummaryQuery,
    @RequestId() requestId: string,
  ): Promise<AnalyticsSummary | GroupedAnalyticsSummary> {
    return this.backend.call('analytics', AnalyticsRpc.summary, query, requestId);
  }

  @Get('analytics/timeseries')
  @Roles(...RoleSets.analyticsReads)
  @ApiOperation({
    summary: 'One metric per time window',
    description:
      'Windows start on local boundaries of `tz` (also across daylight-saving changes); a session counts in ' +
      'the window that contains its `endedAt`; empty windows are present with zero.',
  })
  @ApiOkResponse({ type: AnalyticsTimeseriesDocument })
  @ApiProblems(rebuilding, serviceUnavailable('analytics'))
  timeseries(@Query() query: AnalyticsTimeseriesQuery, @RequestId() requestId: string): Promise<AnalyticsTimeseries> {
    return this.backend.call('analytics', AnalyticsRpc.timeseries, query, requestId);
  }

  @Get('vehicles/:id/analytics')
  @Roles(...RoleSets.analyticsReads)
  @ApiTags('Vehicles')
  @ApiOperation({ summary: 'Summarize one vehicle’s finalized sessions' })
  @ApiOkResponse({ type: AnalyticsSummaryDocument })
  @ApiProblems(rebuilding, serviceUnavailable('analytics'))
  vehicle(
    @Param() params: IdParams,
    @Query() query: AnalyticsPeriodQuery,
    @RequestId() requestId: string,
  ): Promise<AnalyticsSummary> {
    return this.backend.call('analytics', AnalyticsRpc.summary, { ...query, vehicleId: params.id }, requestId);
  }

  @Get('stations/:id/analytics')
  @Roles(...RoleSets.analyticsReads)
  @ApiTags('Stations')
  @ApiOperation({ summary: 'Summarize one station’s finalized charging sessions' })
  @ApiOkResponse({ type: AnalyticsSummaryDocument })
  @ApiProblems(rebuilding, serviceUnavailable('analytics'))
  station(
    @Param() params: IdParams,
    @Query() query: AnalyticsPeriodQuery,
    @RequestId() requestId: string,
  ): Promise<AnalyticsSummary> {
    return this.backend.call('analytics', AnalyticsRpc.summary, { ...query, stationId: params.id }, requestId);
  }

  @Get('riders/:id/analytics')
  @Roles(...RoleSets.analyticsReads)
  @ApiTags('Riders')
  @ApiOperation({ summary: 'Summarize one rider’s finalized sessions' })
  @ApiOkResponse({ type: AnalyticsSummaryDocument })
  @ApiProblems(rebuilding, serviceUnavailable('analytics'))
  rider(
    @Param() params: IdParams,
    @Query() query: AnalyticsPeriodQuery,
    @RequestId() requestId: string,
  ): Promise<AnalyticsSummary> {
    return this.backend.call('analytics', AnalyticsRpc.summary, { ...query, riderId: params.id }, requestId);
  }

  @Get('analytics/explain')
  @Roles(...RoleSets.analyticsReads)
  @ApiOperation({
    summary: 'The sessions that sum to a figure',
    description: 'The figure equals what summary and timeseries report for the same range and filters.',
  })
  @ApiOkResponse({ type: AnalyticsExplanationDocument })
  @ApiProblems(rebuilding, serviceUnavailable('analytics'))
  explain(@Query() query: AnalyticsExplainQuery, @RequestId() requestId: string): Promise<AnalyticsExplanation> {
    return this.backend.call('analytics', AnalyticsRpc.explain, query, requestId);
  }

  /**
   * JSON pages, or the whole export streamed page by page. The first page is read before the answer
   * starts, so a failure there is a problem; a later failure cuts the stream short.
   */
  @Get('analytics/sessions')
  @Roles(...RoleSets.analyticsReads)
  @ApiOperation({
    summary: 'Export finalized sessions with their billing',
    description:
      `\`Accept: text/csv\` streams CSV (RFC 4180, a header row, CRLF line ends; columns: ${SESSION_COLUMNS.join(', ')}); ` +
      '`Accept: application/x-ndjson` streams one JSON object per line; otherwise JSON pages (`limit`, `cursor`). ' +
      `A stream starts after \`cursor\` if given and reads ${EXPORT_PAGE_SIZE} rows per request to the analytics service. ` +
      'If a later page fails, the gateway aborts the connection before the chunked body is complete: the client ' +
      'sees an incomplete body (fetch rejects with `terminated`), never a clean end.',
  })
  @ApiHeader({ name: 'accept', required: false, enum: ['application/json', 'text/csv', 'application/x-ndjson'] })
  @ApiExtraModels(AnalyticsSessionRowDocument, AnalyticsSessionRowPageDocument)
  @ApiOkResponse({
    content: {
      'application/json': { schema: { $ref: getSchemaPath(AnalyticsSessionRowPageDocument) } },
      'text/csv': { schema: { type: 'string', example: ExportFormats.csv.header } },
      'application/x-ndjson': { schema: { $ref: getSchemaPath(AnalyticsSessionRowDocument) } },
    },
  })
  @ApiProblems(rebuilding, serviceUnavailable('analytics'))
  async sessions(
    @Query() query: AnalyticsSessionsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @RequestId() requestId: string,
  ): Promise<Page<AnalyticsSessionRow> | Readable> {
    void reply.header('vary', 'Accept');
    const format = exportFormatOf(accept);
    if (!format) return this.backend.call('analytics', AnalyticsRpc.sessions, query, requestId);
    const page = (cursor: string | undefined) =>
      this.backend.call<Page<AnalyticsSessionRow>>(
        'analytics',
        AnalyticsRpc.sessions,
        { ...query, limit: EXPORT_PAGE_SIZE, cursor },
        requestId,
      );
    const first = await page(query.cursor);
    void reply.header('content-type', format.contentType);
    return exportStream(format, first, page);
  }

  @Get('analytics/status')
  @Roles(...RoleSets.analyticsReads)
  @ApiOperation({ summary: 'The projection’s last applied event, its lag, and rebuild progress' })
  @ApiOkResponse({ type: AnalyticsStatusDocument })
  @ApiProblems(serviceUnavailable('analytics'))
  status(@RequestId() requestId: string): Promise<AnalyticsStatus> {
    return this.backend.call('analytics', AnalyticsRpc.status, {}, requestId);
  }

  @Post('analytics/rebuild')
  @HttpCode(202)
  @Roles(...RoleSets.analyticsRebuild)
  @ApiOperation({
    summary: 'Rebuild the projection from upstream',
    description: 'Starts the rebuild and answers its progress; follow it at GET /v1/analytics/status.',
  })
  @ApiAcceptedResponse({ type: AnalyticsRebuildProgressDocument })
  @ApiProblems(
    { code: 'ANALYTICS_REBUILD_IN_PROGRESS', detail: 'a rebuild started at 2026-11-22T08:30:00.000Z is running' },
    serviceUnavailable('analytics'),
  )
  rebuild(@RequestId() requestId: string): Promise<AnalyticsRebuildProgress> {
    return this.backend.call('analytics', AnalyticsRpc.rebuild, {}, requestId);
  }

  @Post('analytics/verify')
  @HttpCode(202)
  @Roles(...RoleSets.analyticsVerify)
  @ApiOperation({
    summary: 'Verify the rollups against the sessions and upstream, in the background',
    description:
      'Starts a recount of every rollup from the projection’s sessions, with the numbers of sessions and billing records compared with upstream, and answers it RUNNING; follow it at GET /v1/analytics/verify/{id}, whose report lists every difference.',
  })
  @ApiAcceptedResponse({ type: AnalyticsVerifyRunDocument })
  @ApiProblems(serviceUnavailable('analytics'))
  verify(@RequestId() requestId: string): Promise<AnalyticsVerifyRun> {
    return this.backend.call('analytics', AnalyticsRpc.verify, {}, requestId);
  }

  @Get('analytics/verify/:id')
  @Roles(...RoleSets.analyticsVerify)
  @ApiOperation({ summary: 'A verification: RUNNING, DONE with its report, or FAILED with the reason' })
  @ApiOkResponse({ type: AnalyticsVerifyRunDocument })
  @ApiProblems(
    { code: 'ANALYTICS_VERIFY_RUN_NOT_FOUND', detail: 'no verification of the analytics projection has this id' },
    serviceUnavailable('analytics'),
  )
  verifyRun(@Param() params: IdParams, @RequestId() requestId: string): Promise<AnalyticsVerifyRun> {
    return this.backend.call('analytics', AnalyticsRpc.verifyRun, { id: params.id }, requestId);
  }
}
