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
import { SessionDocument, StartChargingBody } from './session.dto';

@ApiTags('Charging sessions')
@ApiBearerAuth()
@Controller('v1/charging-sessions')
export class ChargingSessionsController {
  constructor(private readonly backend: BackendClient) {}

  /** Starts a charge of an idle vehicle at an idle station. */
  @Post()
  @HttpCode(201)
  @Roles(...RoleSets.sessionCommands)
  @ApiOperation({ summary: 'Start a charging session' })
  @ApiCreatedResponse({ type: SessionDocument })
  @ApiProblems(
    { code: 'VEHICLE_NOT_FOUND', detail: `no vehicle ${EXAMPLE.vehicleId}` },
    { code: 'STATION_NOT_FOUND', detail: `no station ${EXAMPLE.stationId}` },
    {
      code: 'VEHICLE_HAS_ACTIVE_SESSION',
      detail: `vehicle ${EXAMPLE.vehicleId} already has the active session ${EXAMPLE.sessionId}`,
      activeSessionId: EXAMPLE.sessionId,
    },
    {
      code: 'STATION_HAS_ACTIVE_SESSION',
      detail: `station ${EXAMPLE.stationId} already has the active session ${EXAMPLE.sessionId}`,
      activeSessionId: EXAMPLE.sessionId,
    },
    serviceUnavailable('sessions'),
  )
  start(
    @Body() body: StartChargingBody,
    @ResourceId() id: string | undefined,
    @RequestId() requestId: string,
  ): Promise<SessionView> {
    return this.backend.call('sessions', SessionRpc.startCharging, { ...body, id }, requestId);
  }

  /** Ends a charge: metered stations by their sealed meter energy, others by rated power over time. */
  @Post(':id/end')
  @HttpCode(200)
  @Roles(...RoleSets.sessionCommands)
  @ApiOperation({ summary: 'End a charging session', description: 'Fixes the energy delivered forever.' })
  @ApiOkResponse({ type: SessionDocument })
  @ApiProblems(
    { code: 'SESSION_NOT_FOUND', detail: `no charging session ${EXAMPLE.sessionId}` },
    { code: 'SESSION_ALREADY_FINALIZED', detail: `session ${EXAMPLE.sessionId} is already finalized` },
    {
      code: 'TELEMETRY_UNAVAILABLE',
      detail: `telemetry did not seal session ${EXAMPLE.sessionId} in time; its end is recorded and completes once telemetry answers`,
    },
    serviceUnavailable('sessions'),
  )
  end(@Param() params: IdParams, @RequestId() requestId: string): Promise<SessionView> {
    return this.backend.call('sessions', SessionRpc.end, { sessionId: params.id, kind: 'CHARGING' }, requestId);
  }
}
