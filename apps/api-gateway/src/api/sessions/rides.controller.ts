import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SessionRpc, type SessionView } from '@chargeflow/contracts';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable } from '../../openapi/api-problems.decorator';
import { EXAMPLE } from '../openapi-helpers';
import { RequestId } from '../request-id.decorator';
import { ResourceId } from '../resource-id.decorator';
import { IdParams } from '../id-params';
import { SessionDocument, StartRideBody } from './session.dto';

@ApiTags('Rides')
@ApiBearerAuth()
@Controller('v1/rides')
export class RidesController {
  constructor(private readonly backend: BackendClient) {}

  /** Starts a ride for an idle vehicle; 409 names the session that keeps it busy. */
  @Post()
  @HttpCode(201)
  @Roles(...RoleSets.sessionCommands)
  @ApiOperation({ summary: 'Start a ride' })
  @ApiCreatedResponse({ type: SessionDocument })
  @ApiProblems(
    { code: 'VEHICLE_NOT_FOUND', detail: `no vehicle ${EXAMPLE.vehicleId}` },
    { code: 'RIDER_NOT_FOUND', detail: `no rider ${EXAMPLE.riderId}` },
    {
      code: 'VEHICLE_HAS_ACTIVE_SESSION',
      detail: `vehicle ${EXAMPLE.vehicleId} already has the active session ${EXAMPLE.sessionId}`,
      activeSessionId: EXAMPLE.sessionId,
    },
    serviceUnavailable('sessions'),
  )
  start(
    @Body() body: StartRideBody,
    @ResourceId() id: string | undefined,
    @RequestId() requestId: string,
  ): Promise<SessionView> {
    return this.backend.call('sessions', SessionRpc.startRide, { ...body, id }, requestId);
  }

  /** Ends a ride with the totals its telemetry ledger holds at the seal. */
  @Post(':id/end')
  @HttpCode(200)
  @Roles(...RoleSets.sessionCommands)
  @ApiOperation({ summary: 'End a ride', description: 'Seals its telemetry and fixes its totals forever.' })
  @ApiOkResponse({ type: SessionDocument })
  @ApiProblems(
    { code: 'SESSION_NOT_FOUND', detail: `no ride ${EXAMPLE.sessionId}` },
    { code: 'SESSION_ALREADY_FINALIZED', detail: `session ${EXAMPLE.sessionId} is already finalized` },
    {
      code: 'TELEMETRY_UNAVAILABLE',
      detail: `telemetry did not seal session ${EXAMPLE.sessionId} in time; its end is recorded and completes once telemetry answers`,
    },
    serviceUnavailable('sessions'),
  )
  end(@Param() params: IdParams, @RequestId() requestId: string): Promise<SessionView> {
    return this.backend.call('sessions', SessionRpc.end, { sessionId: params.id, kind: 'RIDE' }, requestId);
  }
}
