import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChargePointRpc, type OcppFrameView, type Page } from '@chargeflow/contracts';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable } from '../../openapi/api-problems.decorator';
import { RequestId } from '../request-id.decorator';
import { OcppFramePageDocument, SearchOcppLogQuery } from './ocpp-log.dto';

@ApiTags('Charge points')
@ApiBearerAuth()
@Controller('v1/ocpp/log')
export class OcppLogController {
  constructor(private readonly backend: BackendClient) {}

  /** Every OCPP frame in both directions, newest first; refused frames carry their reason in `error`. */
  @Get()
  @Roles(...RoleSets.reads)
  @ApiOperation({ summary: 'Search the OCPP protocol log' })
  @ApiOkResponse({ type: OcppFramePageDocument })
  @ApiProblems(serviceUnavailable('central-system'))
  search(@Query() query: SearchOcppLogQuery, @RequestId() requestId: string): Promise<Page<OcppFrameView>> {
    return this.backend.call('central-system', ChargePointRpc.searchLog, query, requestId);
  }
}
