import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FleetRpc, type Page, type VehicleView } from '@chargeflow/contracts';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable } from '../../openapi/api-problems.decorator';
import { EXAMPLE } from '../openapi-helpers';
import { RequestId } from '../request-id.decorator';
import { ResourceId } from '../resource-id.decorator';
import { IdParams } from '../id-params';
import {
  CreateVehicleBody,
  ListVehiclesQuery,
  VehicleChangesBody,
  VehicleDocument,
  VehiclePageDocument,
} from './vehicle.dto';

@ApiTags('Vehicles')
@ApiBearerAuth()
@Controller('v1/vehicles')
export class VehiclesController {
  constructor(private readonly backend: BackendClient) {}

  @Post()
  @HttpCode(201)
  @Roles(...RoleSets.referenceDataWrites)
  @ApiOperation({ summary: 'Register a vehicle' })
  @ApiCreatedResponse({ type: VehicleDocument })
  @ApiProblems(
    { code: 'ENERGY_EXCEEDS_CAPACITY', detail: 'a battery of 500 Wh cannot hold 520 Wh' },
    serviceUnavailable('sessions'),
  )
  create(
    @Body() body: CreateVehicleBody,
    @ResourceId() id: string | undefined,
    @RequestId() requestId: string,
  ): Promise<VehicleView> {
    return this.backend.call('sessions', FleetRpc.createVehicle, { ...body, id }, requestId);
  }

  @Get()
  @Roles(...RoleSets.reads)
  @ApiOperation({ summary: 'List vehicles' })
  @ApiOkResponse({ type: VehiclePageDocument })
  @ApiProblems(serviceUnavailable('sessions'))
  list(@Query() query: ListVehiclesQuery, @RequestId() requestId: string): Promise<Page<VehicleView>> {
    return this.backend.call('sessions', FleetRpc.listVehicles, query, requestId);
  }

  /** The vehicle with its battery level and its active session, if any. */
  @Get(':id')
  @Roles(...RoleSets.reads)
  @ApiOperation({ summary: 'Read a vehicle' })
  @ApiOkResponse({ type: VehicleDocument })
  @ApiProblems({ code: 'VEHICLE_NOT_FOUND', detail: `no vehicle ${EXAMPLE.vehicleId}` }, serviceUnavailable('sessions'))
  get(@Param() params: IdParams, @RequestId() requestId: string): Promise<VehicleView> {
    return this.backend.call('sessions', FleetRpc.getVehicle, { id: params.id }, requestId);
  }

  /** Label and capacity; the battery level changes only through finalized sessions. */
  @Patch(':id')
  @Roles(...RoleSets.referenceDataWrites)
  @ApiOperation({ summary: 'Change a vehicle' })
  @ApiOkResponse({ type: VehicleDocument })
  @ApiProblems(
    { code: 'VEHICLE_NOT_FOUND', detail: `no vehicle ${EXAMPLE.vehicleId}` },
    { code: 'ENERGY_EXCEEDS_CAPACITY', detail: 'a battery of 500 Wh cannot hold 520 Wh' },
    serviceUnavailable('sessions'),
  )
  update(
    @Param() params: IdParams,
    @Body() body: VehicleChangesBody,
    @RequestId() requestId: string,
  ): Promise<VehicleView> {
    return this.backend.call('sessions', FleetRpc.updateVehicle, { ...body, id: params.id }, requestId);
  }
}
