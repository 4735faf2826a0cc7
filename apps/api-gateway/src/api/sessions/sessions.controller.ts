import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SessionRpc, type Page, type SessionView } from '@chargeflow/contracts';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable } from '../../openapi/api-problems.decorator';
import { EXAMPLE } from '../openapi-helpers';
import { RequestId } from '../request-id.decorator';
import { IdParams } from '../id-params';
import { ListSessionsQuery, SessionDocument, SessionPageDocument } from './session.dto';

@ApiTags('Sessions')
@ApiBearerAuth()
@Controller('v1/sessions')
export class SessionsController {
  constructor(private readonly backend: BackendClient) {}

  /** Rides and charges, newest first, filtered by kind, state, vehicle, station, rider and start time. */
  @Get()
  @Roles(...RoleSets.reads)
  @ApiOperation({ summary: 'List sessions' })
  @ApiOkResponse({ type: SessionPageDocument })
  @ApiProblems(
    { code: 'INVALID_CURSOR', detail: 'the cursor is not one this list handed out' },
    serviceUnavailable('sessions'),
  )
  list(@Query() query: ListSessionsQuery, @RequestId() requestId: string): Promise<Page<SessionView>> {
    return this.backend.call('sessions', SessionRpc.list, query, requestId);
  }

  @Get(':id')
  @Roles(...RoleSets.reads)
  @ApiOperation({ summary: 'Read a session' })
  @ApiOkResponse({ type: SessionDocument })
  @ApiProblems({ code: 'SESSION_NOT_FOUND', detail: `no session ${EXAMPLE.sessionId}` }, serviceUnavailable('sessions'))
  get(@Param() params: IdParams, @RequestId() requestId: string): Promise<SessionView> {
    return this.backend.call('sessions', SessionRpc.get, { sessionId: params.id }, requestId);
  }
}
