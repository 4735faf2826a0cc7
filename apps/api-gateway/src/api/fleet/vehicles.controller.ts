import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UsePipes } from '@nestjs/common';
import { CreateVehicleRequest, FleetRpc, ListRequest, VehicleChanges, type Page, type VehicleView } from '@chargeflow/contracts';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { RequestId } from '../request-id.decorator';
import { IdParams, strictValidation } from '../validation';

@Controller('v1/vehicles')
@UsePipes(strictValidation)
export class VehiclesController {
  constructor(private readonly backend: BackendClient) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  create(@Body() body: CreateVehicleRequest, @RequestId() requestId: string): Promise<VehicleView> {
    return this.backend.call('sessions', FleetRpc.createVehicle, body, requestId);
  }

  @Get()
  @Roles('operator', 'admin')
  list(@Query() query: ListRequest, @RequestId() requestId: string): Promise<Page<VehicleView>> {
    return this.backend.call('sessions', FleetRpc.listVehicles, query, requestId);
  }

  /** The vehicle with its battery level and its active session, if any. */
  @Get(':id')
  @Roles('operator', 'admin')
  get(@Param() params: IdParams, @RequestId() requestId: string): Promise<VehicleView> {
    return this.backend.call('sessions', FleetRpc.getVehicle, { id: params.id }, requestId);
  }

  /** Label and capacity; the battery level changes only through finalized sessions. */
  @Patch(':id')
  @Roles('admin')
  update(@Param() params: IdParams, @Body() body: VehicleChanges, @RequestId() requestId: string): Promise<VehicleView> {
    return this.backend.call('sessions', FleetRpc.updateVehicle, { ...body, id: params.id }, requestId);
  }
}
