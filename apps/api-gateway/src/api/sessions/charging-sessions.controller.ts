import { Body, Controller, HttpCode, Param, Post, UsePipes } from '@nestjs/common';
import { SessionRpc, StartChargingRequest, type SessionView } from '@chargeflow/contracts';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { RequestId } from '../request-id.decorator';
import { IdParams, strictValidation } from '../validation';

@Controller('v1/charging-sessions')
@UsePipes(strictValidation)
export class ChargingSessionsController {
  constructor(private readonly backend: BackendClient) {}

  /** Starts a charge of an idle vehicle at an idle station. */
  @Post()
  @HttpCode(201)
  @Roles('operator', 'admin')
  start(@Body() body: StartChargingRequest, @RequestId() requestId: string): Promise<SessionView> {
    return this.backend.call('sessions', SessionRpc.startCharging, body, requestId);
  }

  /** Ends a charge: metered stations by their sealed meter energy, others by rated power over time. */
  @Post(':id/end')
  @HttpCode(200)
  @Roles('operator', 'admin')
  end(@Param() params: IdParams, @RequestId() requestId: string): Promise<SessionView> {
    return this.backend.call('sessions', SessionRpc.end, { sessionId: params.id, kind: 'CHARGING' }, requestId);
  }
}
