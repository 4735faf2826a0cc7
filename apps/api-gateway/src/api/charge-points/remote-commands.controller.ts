import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChargePointRpc, FleetRpc, type RemoteCommandView, type StationView } from '@chargeflow/contracts';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable } from '../../openapi/api-problems.decorator';
import { ProblemException } from '../../problem/problem';
import { EXAMPLE } from '../openapi-helpers';
import { RequestId } from '../request-id.decorator';
import { IdParams } from '../id-params';
import { RemoteCommandDocument, RemoteStartBody } from './charge-point.dto';

const notConnected = {
  code: 'CHARGE_POINT_NOT_CONNECTED',
  detail: 'charge point CP-DEPOT-NORD-3 is not connected',
} as const;
const timedOut = {
  code: 'CHARGE_POINT_TIMEOUT',
  detail: 'charge point CP-DEPOT-NORD-3 did not answer within 3000 ms',
} as const;

/** Commands to OCPP charge points, answered with what the charge point said. */
@ApiTags('Charge points')
@ApiBearerAuth()
@Controller('v1')
export class RemoteCommandsController {
  constructor(private readonly backend: BackendClient) {}

  /** Asks the station's charge point to start a transaction for the idTag on the station's connector. */
  @Post('stations/:id/remote-start')
  @HttpCode(200)
  @Roles(...RoleSets.sessionCommands)
  @ApiOperation({ summary: 'Ask a station’s charge point to start charging (RemoteStartTransaction)' })
  @ApiOkResponse({ type: RemoteCommandDocument })
  @ApiProblems(
    { code: 'STATION_NOT_FOUND', detail: `no station ${EXAMPLE.stationId}` },
    { code: 'STATION_HAS_NO_CONNECTOR', detail: `station ${EXAMPLE.stationId} is not linked to an OCPP connector` },
    notConnected,
    timedOut,
    serviceUnavailable('central-system'),
  )
  async remoteStart(
    @Param() params: IdParams,
    @Body() body: RemoteStartBody,
    @RequestId() requestId: string,
  ): Promise<RemoteCommandView> {
    const station = await this.backend.call<StationView>('sessions', FleetRpc.getStation, { id: params.id }, requestId);
    if (!station.ocpp) {
      throw new ProblemException(
        'STATION_HAS_NO_CONNECTOR',
        `station ${station.id} is not linked to an OCPP connector`,
      );
    }
    return this.backend.call(
      'central-system',
      ChargePointRpc.remoteStart,
      { ...station.ocpp, idTag: body.idTag },
      requestId,
    );
  }

  /** Asks the charge point running the session's transaction to stop it; the session ends with its StopTransaction. */
  @Post('charging-sessions/:id/remote-stop')
  @HttpCode(200)
  @Roles(...RoleSets.sessionCommands)
  @ApiOperation({ summary: 'Ask the charge point to stop a charging session (RemoteStopTransaction)' })
  @ApiOkResponse({ type: RemoteCommandDocument })
  @ApiProblems(
    { code: 'TRANSACTION_NOT_FOUND', detail: `no running OCPP transaction for session ${EXAMPLE.sessionId}` },
    notConnected,
    timedOut,
    serviceUnavailable('central-system'),
  )
  remoteStop(@Param() params: IdParams, @RequestId() requestId: string): Promise<RemoteCommandView> {
    return this.backend.call('central-system', ChargePointRpc.remoteStop, { sessionId: params.id }, requestId);
  }
}
