import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  Exchanges,
  TELEMETRY_ROUTING,
  TelemetryRpc,
  type Page,
  type RejectionView,
  type SampleView,
} from '@chargeflow/contracts';
import { ConfirmPublisher } from '@chargeflow/messaging';
import { DeviceBound } from '../../auth/device-bound.decorator';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable } from '../../openapi/api-problems.decorator';
import { ProblemException } from '../../problem/problem';
import { EXAMPLE } from '../openapi-helpers';
import { RequestId } from '../request-id.decorator';
import { IdParams } from '../id-params';
import {
  ListRejectionsQuery,
  ListSamplesQuery,
  QueuedDocument,
  RejectionPageDocument,
  SampleBody,
  SamplePageDocument,
} from './telemetry.dto';

export const MAX_SAMPLES_PER_REQUEST = 1_000;

interface FieldError {
  field: string;
  message: string;
}

/** Where a sample goes on the `telemetry` exchange; the telemetry service checks everything else. */
function routingKeyOf(sample: unknown, index: number, sessionId: string, errors: FieldError[]): string | null {
  const at = (field: string) => `[${index}].${field}`;
  if (typeof sample !== 'object' || sample === null || Array.isArray(sample)) {
    errors.push({ field: `[${index}]`, message: 'a sample must be a JSON object' });
    return null;
  }
  const { vehicleId, stationId, sessionId: given } = sample as Record<string, unknown>;
  if (given !== undefined && given !== sessionId)
    errors.push({ field: at('sessionId'), message: 'must be the session of the URL, or absent' });
  if (typeof vehicleId === 'string' && stationId === undefined) return TELEMETRY_ROUTING.vehicleSample(vehicleId);
  if (typeof stationId === 'string' && vehicleId === undefined) return TELEMETRY_ROUTING.stationMeter(stationId);
  errors.push({ field: at('vehicleId'), message: 'exactly one of vehicleId and stationId is required' });
  return null;
}

@ApiTags('Telemetry')
@ApiBearerAuth()
@ApiExtraModels(SampleBody)
@Controller('v1')
export class TelemetryController {
  constructor(
    private readonly backend: BackendClient,
    private readonly publisher: ConfirmPublisher,
  ) {}

  /**
   * For devices that cannot speak AMQP: one sample or a batch of up to 1,000, answered 202 once the
   * broker has confirmed every one. They join the AMQP path, so they are validated, counted once, or
   * refused with a reason exactly like published samples.
   */
  @Post('sessions/:id/telemetry')
  @HttpCode(202)
  @Roles(...RoleSets.telemetryIngest)
  @DeviceBound()
  @ApiOperation({
    summary: 'Post telemetry samples',
    description: 'One sample or an array of up to 1,000; 202 once the broker confirmed them all.',
  })
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(SampleBody) },
        { type: 'array', maxItems: MAX_SAMPLES_PER_REQUEST, items: { $ref: getSchemaPath(SampleBody) } },
      ],
      example: {
        telemetryId: EXAMPLE.telemetryId,
        vehicleId: EXAMPLE.vehicleId,
        emittedAt: EXAMPLE.instant,
        energyWh: 0.875,
        distanceM: 21.5,
      },
    },
  })
  @ApiAcceptedResponse({ type: QueuedDocument })
  @ApiProblems(
    { code: 'INVALID_BATCH_SIZE', detail: 'send between 1 and 1000 samples' },
    { code: 'BROKER_UNAVAILABLE', detail: 'the message broker cannot take the request now; try again' },
  )
  async ingest(
    @Param() params: IdParams,
    @Body() body: unknown,
    @RequestId() requestId: string,
  ): Promise<{ queued: number }> {
    const samples = Array.isArray(body) ? body : [body];
    if (samples.length === 0 || samples.length > MAX_SAMPLES_PER_REQUEST) {
      throw new ProblemException('INVALID_BATCH_SIZE', `send between 1 and ${MAX_SAMPLES_PER_REQUEST} samples`);
    }
    const errors: FieldError[] = [];
    const routed = samples.map((sample, index) => ({
      sample,
      routingKey: routingKeyOf(sample, index, params.id, errors),
    }));
    if (errors.length > 0) {
      throw new ProblemException(
        'VALIDATION_FAILED',
        errors.map((error) => `${error.field}: ${error.message}`).join('; '),
        { errors },
      );
    }
    await Promise.all(
      routed.map(({ sample, routingKey }) =>
        this.publisher.publish(
          Exchanges.telemetry,
          routingKey as string,
          Buffer.from(JSON.stringify({ ...(sample as object), sessionId: params.id })),
          {
            correlationId: requestId,
          },
        ),
      ),
    );
    return { queued: samples.length };
  }

  /** A session's accepted samples, in emission order. */
  @Get('sessions/:id/telemetry')
  @Roles(...RoleSets.reads)
  @ApiOperation({ summary: 'List a session’s samples', description: 'In emission order.' })
  @ApiOkResponse({ type: SamplePageDocument })
  @ApiProblems(serviceUnavailable('telemetry'))
  samples(
    @Param() params: IdParams,
    @Query() query: ListSamplesQuery,
    @RequestId() requestId: string,
  ): Promise<Page<SampleView>> {
    return this.backend.call('telemetry', TelemetryRpc.listSamples, { ...query, sessionId: params.id }, requestId);
  }

  /** Refused device messages with their reason and original payload, newest first. */
  @Get('telemetry/rejections')
  @Roles(...RoleSets.reads)
  @ApiOperation({
    summary: 'List refused device messages',
    description: 'Newest first, with the reason and the original payload.',
  })
  @ApiOkResponse({ type: RejectionPageDocument })
  @ApiProblems(serviceUnavailable('telemetry'))
  rejections(@Query() query: ListRejectionsQuery, @RequestId() requestId: string): Promise<Page<RejectionView>> {
    return this.backend.call('telemetry', TelemetryRpc.listRejections, query, requestId);
  }
}
