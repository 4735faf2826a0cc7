import { Body, Controller, HttpCode, Param, Post, UsePipes } from '@nestjs/common';
import { SessionRpc, StartRideRequest, type SessionView } from '@chargeflow/contracts';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { RequestId } from '../request-id.decorator';
import { IdParams, strictValidation } from '../validation';

@Controller('v1/rides')
@UsePipes(strictValidation)
export class RidesController {
  constructor(private readonly backend: BackendClient) {}

  /** Starts a ride for an idle vehicle; 409 names the session that keeps it busy. */
  @Post()
  @HttpCode(201)
  @Roles('operator', 'admin')
  start(@Body() body: StartRideRequest, @RequestId() requestId: string): Promise<SessionView> {
    return this.backend.call('sessions', SessionRpc.startRide, body, requestId);
  }

  /** Ends a ride with the totals its telemetry ledger holds at the seal. */
  @Post(':id/end')
  @HttpCode(200)
  @Roles('operator', 'admin')
  end(@Param() params: IdParams, @RequestId() requestId: string): Promise<SessionView> {
    return this.backend.call('sessions', SessionRpc.end, { sessionId: params.id, kind: 'RIDE' }, requestId);
  }
}
