import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UsePipes } from '@nestjs/common';
import { CreateRiderRequest, FleetRpc, ListRequest, RiderChanges, type Page, type RiderView } from '@chargeflow/contracts';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { RequestId } from '../request-id.decorator';
import { IdParams, strictValidation } from '../validation';

@Controller('v1/riders')
@UsePipes(strictValidation)
export class RidersController {
  constructor(private readonly backend: BackendClient) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  create(@Body() body: CreateRiderRequest, @RequestId() requestId: string): Promise<RiderView> {
    return this.backend.call('sessions', FleetRpc.createRider, body, requestId);
  }

  @Get()
  @Roles('operator', 'admin')
  list(@Query() query: ListRequest, @RequestId() requestId: string): Promise<Page<RiderView>> {
    return this.backend.call('sessions', FleetRpc.listRiders, query, requestId);
  }

  @Get(':id')
  @Roles('operator', 'admin')
  get(@Param() params: IdParams, @RequestId() requestId: string): Promise<RiderView> {
    return this.backend.call('sessions', FleetRpc.getRider, { id: params.id }, requestId);
  }

  @Patch(':id')
  @Roles('admin')
  update(@Param() params: IdParams, @Body() body: RiderChanges, @RequestId() requestId: string): Promise<RiderView> {
    return this.backend.call('sessions', FleetRpc.updateRider, { ...body, id: params.id }, requestId);
  }
}
