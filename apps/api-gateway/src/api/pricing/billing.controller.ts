import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  BillingRpc,
  type BillingRecordView,
  type Page,
  type StatementView,
  type VerifyReport,
} from '@chargeflow/contracts';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable } from '../../openapi/api-problems.decorator';
import { EXAMPLE } from '../openapi-helpers';
import { IdParams, SessionIdParams } from '../id-params';
import { RequestId } from '../request-id.decorator';
import {
  BillingPageDocument,
  BillingRecordDocument,
  ListBillingQuery,
  StatementDocument,
  StatementQuery,
  VerifyBillingBody,
  VerifyReportDocument,
} from './billing.dto';

@ApiTags('Billing')
@ApiBearerAuth()
@Controller('v1')
export class BillingController {
  constructor(private readonly backend: BackendClient) {}

  @Get('billing/sessions/:sessionId')
  @Roles(...RoleSets.billingReads)
  @ApiOperation({
    summary: 'Read the billing record of a session',
    description: 'Derived from the finalized session and the tariff version in force at its start.',
  })
  @ApiOkResponse({ type: BillingRecordDocument })
  @ApiProblems(
    { code: 'BILLING_RECORD_NOT_FOUND', detail: `no billing record for session ${EXAMPLE.sessionId}` },
    {
      code: 'SESSION_NOT_FINALIZED',
      detail: `session ${EXAMPLE.sessionId} is still active; it is billed once it is finalized`,
    },
    serviceUnavailable('pricing'),
  )
  bySession(@Param() params: SessionIdParams, @RequestId() requestId: string): Promise<BillingRecordView> {
    return this.backend.call('pricing', BillingRpc.getBySession, { sessionId: params.sessionId }, requestId);
  }

  @Get('billing')
  @Roles(...RoleSets.billingReads)
  @ApiOperation({ summary: 'List billing records', description: 'Newest session first; UNPRICED records say why.' })
  @ApiOkResponse({ type: BillingPageDocument })
  @ApiProblems(serviceUnavailable('pricing'))
  list(@Query() query: ListBillingQuery, @RequestId() requestId: string): Promise<Page<BillingRecordView>> {
    return this.backend.call('pricing', BillingRpc.list, query, requestId);
  }

  /** Seed 004's invoice, derived on request from the billing records, never stored. */
  @Get('riders/:id/statements')
  @Roles(...RoleSets.billingReads)
  @ApiOperation({ summary: 'A rider’s statement for a period' })
  @ApiOkResponse({ type: StatementDocument })
  @ApiProblems(serviceUnavailable('pricing'))
  statement(
    @Param() params: IdParams,
    @Query() query: StatementQuery,
    @RequestId() requestId: string,
  ): Promise<StatementView> {
    return this.backend.call(
      'pricing',
      BillingRpc.statement,
      { riderId: params.id, from: query.from, to: query.to },
      requestId,
    );
  }

  /** Recomputes the stored records and lists every one that differs from what its inputs give: must be none. */
  @Post('billing/verify')
  @HttpCode(200)
  @Roles(...RoleSets.operations)
  @ApiOperation({ summary: 'Verify billing records against their inputs' })
  @ApiOkResponse({ type: VerifyReportDocument })
  @ApiProblems(serviceUnavailable('pricing'))
  verify(@Body() body: VerifyBillingBody, @RequestId() requestId: string): Promise<VerifyReport> {
    return this.backend.call('pricing', BillingRpc.verify, body, requestId);
  }
}
