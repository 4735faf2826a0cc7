import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TariffRpc, type Page, type TariffView } from '@chargeflow/contracts';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable, type DocumentedProblem } from '../../openapi/api-problems.decorator';
import { ProblemException } from '../../problem/problem';
import { IdParams } from '../id-params';
import { RequestId } from '../request-id.decorator';
import {
  EXAMPLE_TARIFF,
  ListTariffsQuery,
  QuoteDocument,
  QuoteTermsBody,
  TariffDocument,
  TariffPageDocument,
} from './tariff.dto';

const INVALID_TARIFF: DocumentedProblem = {
  code: 'TARIFF_INVALID',
  detail: 'the tariff is invalid: elements[0].price_components[0].step_size must be a positive integer',
  errors: [{ field: 'elements[0].price_components[0].step_size', message: 'must be a positive integer' }],
};

/** The tariff document as the pricing service takes it: OCPI fields and appliesTo, effectiveFrom apart. */
function publication(body: unknown): { document: Record<string, unknown>; effectiveFrom?: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProblemException('VALIDATION_FAILED', 'the tariff must be a JSON object', {
      errors: [{ field: 'tariff', message: 'must be a JSON object' }],
    });
  }
  const { effectiveFrom, ...document } = body as Record<string, unknown>;
  return effectiveFrom === undefined ? { document } : { document, effectiveFrom };
}

@ApiTags('Tariffs')
@ApiBearerAuth()
@Controller('v1/tariffs')
export class TariffsController {
  constructor(private readonly backend: BackendClient) {}

  @Post()
  @HttpCode(201)
  @Roles(...RoleSets.tariffWrites)
  @ApiOperation({
    summary: 'Create a tariff at version 1',
    description: 'OCPI 2.2.1 Tariff fields, plus `appliesTo` and an optional `effectiveFrom`.',
  })
  @ApiBody({ schema: { type: 'object', example: EXAMPLE_TARIFF } })
  @ApiCreatedResponse({ type: TariffDocument })
  @ApiProblems(
    INVALID_TARIFF,
    {
      code: 'TARIFF_ALREADY_EXISTS',
      detail: 'CHARGING (default) already has a tariff; publish a new version of it instead',
    },
    serviceUnavailable('pricing'),
  )
  create(@Body() body: unknown, @RequestId() requestId: string): Promise<TariffView> {
    return this.backend.call('pricing', TariffRpc.create, publication(body), requestId);
  }

  /** Publishes the next version; the earlier ones stay readable and keep pricing the sessions they priced. */
  @Put(':id')
  @Roles(...RoleSets.tariffWrites)
  @ApiOperation({ summary: 'Publish the next version of a tariff' })
  @ApiBody({ schema: { type: 'object', example: { ...EXAMPLE_TARIFF, effectiveFrom: '2027-01-01T00:00:00Z' } } })
  @ApiOkResponse({ type: TariffDocument })
  @ApiProblems(
    INVALID_TARIFF,
    { code: 'TARIFF_NOT_FOUND', detail: 'no tariff 4b6d8f1a-3c5e-4a7b-9d2f-6e8a1c3b5d7f' },
    {
      code: 'EFFECTIVE_FROM_BEFORE_PREVIOUS',
      detail: 'a new version cannot take effect before the previous one (2026-11-01T00:00:00.000Z)',
    },
    {
      code: 'EFFECTIVE_FROM_IN_PAST',
      detail: 'a next version cannot take effect before now (2026-11-22T08:30:00.000Z)',
      errors: [{ field: 'effectiveFrom', message: 'must not be before now (2026-11-22T08:30:00.000Z)' }],
    },
    serviceUnavailable('pricing'),
  )
  publish(@Param() params: IdParams, @Body() body: unknown, @RequestId() requestId: string): Promise<TariffView> {
    return this.backend.call('pricing', TariffRpc.publish, { ...publication(body), id: params.id }, requestId);
  }

  @Get()
  @Roles(...RoleSets.billingReads)
  @ApiOperation({ summary: 'List tariffs at their latest version' })
  @ApiOkResponse({ type: TariffPageDocument })
  @ApiProblems(serviceUnavailable('pricing'))
  list(@Query() query: ListTariffsQuery, @RequestId() requestId: string): Promise<Page<TariffView>> {
    return this.backend.call('pricing', TariffRpc.list, query, requestId);
  }

  @Get(':id')
  @Roles(...RoleSets.billingReads)
  @ApiOperation({ summary: 'Read a tariff with its versions' })
  @ApiOkResponse({ type: TariffDocument })
  @ApiProblems(
    { code: 'TARIFF_NOT_FOUND', detail: 'no tariff 4b6d8f1a-3c5e-4a7b-9d2f-6e8a1c3b5d7f' },
    serviceUnavailable('pricing'),
  )
  get(@Param() params: IdParams, @RequestId() requestId: string): Promise<TariffView> {
    return this.backend.call('pricing', TariffRpc.get, { id: params.id }, requestId);
  }

  /** Prices a hypothetical session with the version in force now: the same engine and shape as a billing record. */
  @Post(':id/quote')
  @HttpCode(200)
  @Roles(...RoleSets.billingReads)
  @ApiOperation({ summary: 'Quote a session with a tariff', description: 'A quote covers at most 31 days.' })
  @ApiOkResponse({ type: QuoteDocument })
  @ApiProblems(
    { code: 'PRICING_ENDS_BEFORE_START', detail: 'the session ends before it starts' },
    {
      code: 'QUOTE_SPAN_TOO_LONG',
      detail: 'a quote covers at most 31 days',
      errors: [{ field: 'endedAt', message: 'must be at most 31 days after startedAt' }],
    },
    { code: 'TARIFF_NOT_FOUND', detail: 'no tariff 4b6d8f1a-3c5e-4a7b-9d2f-6e8a1c3b5d7f' },
    {
      code: 'TARIFF_NOT_APPLICABLE',
      detail: 'tariff 4b6d8f1a-3c5e-4a7b-9d2f-6e8a1c3b5d7f prices CHARGING sessions, not RIDE',
    },
    serviceUnavailable('pricing'),
  )
  quote(@Param() params: IdParams, @Body() body: QuoteTermsBody, @RequestId() requestId: string): Promise<unknown> {
    return this.backend.call('pricing', TariffRpc.quote, { ...body, tariffId: params.id }, requestId);
  }
}
