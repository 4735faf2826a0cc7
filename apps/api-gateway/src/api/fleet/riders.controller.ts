import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FleetRpc, type Page, type RiderView } from '@chargeflow/contracts';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable } from '../../openapi/api-problems.decorator';
import { EXAMPLE } from '../openapi-helpers';
import { RequestId } from '../request-id.decorator';
import { ResourceId } from '../resource-id.decorator';
import { IdParams } from '../id-params';
import { CreateRiderBody, ListRidersQuery, RiderChangesBody, RiderDocument, RiderPageDocument } from './rider.dto';

@ApiTags('Riders')
@ApiBearerAuth()
@Controller('v1/riders')
export class RidersController {
  constructor(private readonly backend: BackendClient) {}

  @Post()
  @HttpCode(201)
  @Roles(...RoleSets.referenceDataWrites)
  @ApiOperation({ summary: 'Register a rider' })
  @ApiCreatedResponse({ type: RiderDocument })
  @ApiProblems(serviceUnavailable('sessions'))
  create(
    @Body() body: CreateRiderBody,
    @ResourceId() id: string | undefined,
    @RequestId() requestId: string,
  ): Promise<RiderView> {
    return this.backend.call('sessions', FleetRpc.createRider, { ...body, id }, requestId);
  }

  @Get()
  @Roles(...RoleSets.reads)
  @ApiOperation({ summary: 'List riders' })
  @ApiOkResponse({ type: RiderPageDocument })
  @ApiProblems(serviceUnavailable('sessions'))
  list(@Query() query: ListRidersQuery, @RequestId() requestId: string): Promise<Page<RiderView>> {
    return this.backend.call('sessions', FleetRpc.listRiders, query, requestId);
  }

  @Get(':id')
  @Roles(...RoleSets.reads)
  @ApiOperation({ summary: 'Read a rider' })
  @ApiOkResponse({ type: RiderDocument })
  @ApiProblems({ code: 'RIDER_NOT_FOUND', detail: `no rider ${EXAMPLE.riderId}` }, serviceUnavailable('sessions'))
  get(@Param() params: IdParams, @RequestId() requestId: string): Promise<RiderView> {
    return this.backend.call('sessions', FleetRpc.getRider, { id: params.id }, requestId);
  }

  @Patch(':id')
  @Roles(...RoleSets.referenceDataWrites)
  @ApiOperation({ summary: 'Change a rider' })
  @ApiOkResponse({ type: RiderDocument })
  @ApiProblems({ code: 'RIDER_NOT_FOUND', detail: `no rider ${EXAMPLE.riderId}` }, serviceUnavailable('sessions'))
  update(
    @Param() params: IdParams,
    @Body() body: RiderChangesBody,
    @RequestId() requestId: string,
  ): Promise<RiderView> {
    return this.backend.call('sessions', FleetRpc.updateRider, { ...body, id: params.id }, requestId);
  }
}
