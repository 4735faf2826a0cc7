import { Controller, Get, Param, Query, UsePipes } from '@nestjs/common';
import { ListSessionsRequest, SessionRpc, type Page, type SessionView } from '@chargeflow/contracts';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { RequestId } from '../request-id.decorator';
import { IdParams, strictValidation } from '../validation';

@Controller('v1/sessions')
@UsePipes(strictValidation)
export class SessionsController {
  constructor(private readonly backend: BackendClient) {}

  /** Rides and charges, newest first, filtered by kind, state, vehicle, station, rider and start time. */
  @Get()
  @Roles('operator', 'admin')
  list(@Query() query: ListSessionsRequest, @RequestId() requestId: string): Promise<Page<SessionView>> {
    return this.backend.call('sessions', SessionRpc.list, query, requestId);
  }

  @Get(':id')
  @Roles('operator', 'admin')
  get(@Param() params: IdParams, @RequestId() requestId: string): Promise<SessionView> {
    return this.backend.call('sessions', SessionRpc.get, { sessionId: params.id }, requestId);
  }
}
