import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  BillingRpc,
  type BillingRecordView,
  type Page,
  type StatementView,
  type VerificationStarted,
  type VerificationView,
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
  VerificationDocument,
  VerificationStartedDocument,
  VerifyBillingBody,
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
  @ApiOperation({
    summary: 'A rider’s statement for a period',
    description: 'One page of lines, oldest session first (`limit`, `cursor`); the totals cover the whole period.',
  })
  @ApiOkResponse({ type: StatementDocument })
  @ApiProblems(serviceUnavailable('pricing'))
  statement(
    @Param() params: IdParams,
    @Query() query: StatementQuery,
    @RequestId() requestId: string,
  ): Promise<StatementView> {
    return this.backend.call('pricing', BillingRpc.statement, { ...query, riderId: params.id }, requestId);
  }

  /** Recomputes the stored records in pages in the background; every one that differs from what its inputs give is listed. */
  @Post('billing/verify')
  @HttpCode(202)
  @Roles(...RoleSets.operations)
  @ApiOperation({
    summary: 'Start verifying billing records against their inputs',
    description: 'Answers at once with the verification’s id; follow it at GET /v1/billing/verify/{id}.',
  })
  @ApiAcceptedResponse({ type: VerificationStartedDocument })
  @ApiProblems(serviceUnavailable('pricing'))
  verify(@Body() body: VerifyBillingBody, @RequestId() requestId: string): Promise<VerificationStarted> {
    return this.backend.call('pricing', BillingRpc.startVerification, body, requestId);
  }

  @Get('billing/verify/:id')
  @Roles(...RoleSets.operations)
  @ApiOperation({ summary: 'Read a billing verification’s progress and mismatches' })
  @ApiOkResponse({ type: VerificationDocument })
  @ApiProblems(
    { code: 'VERIFICATION_NOT_FOUND', detail: 'no billing verification 0f4e2d1c-8b7a-4c6d-9e5f-1a2b3c4d5e6f' },
    serviceUnavailable('pricing'),
  )
  verification(@Param() params: IdParams, @RequestId() requestId: string): Promise<VerificationView> {
    return this.backend.call('pricing', BillingRpc.getVerification, { id: params.id }, requestId);
  }
}
