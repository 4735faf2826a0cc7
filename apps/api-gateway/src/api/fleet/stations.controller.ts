import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UsePipes } from '@nestjs/common';
import { CreateStationRequest, FleetRpc, ListRequest, StationChanges, type Page, type StationView } from '@chargeflow/contracts';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { RequestId } from '../request-id.decorator';
import { IdParams, strictValidation } from '../validation';

@Controller('v1/stations')
@UsePipes(strictValidation)
export class StationsController {
  constructor(private readonly backend: BackendClient) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  create(@Body() body: CreateStationRequest, @RequestId() requestId: string): Promise<StationView> {
    return this.backend.call('sessions', FleetRpc.createStation, body, requestId);
  }

  @Get()
  @Roles('operator', 'admin')
  list(@Query() query: ListRequest, @RequestId() requestId: string): Promise<Page<StationView>> {
    return this.backend.call('sessions', FleetRpc.listStations, query, requestId);
  }

  /** The station with its active session, if any. */
  @Get(':id')
  @Roles('operator', 'admin')
  get(@Param() params: IdParams, @RequestId() requestId: string): Promise<StationView> {
    return this.backend.call('sessions', FleetRpc.getStation, { id: params.id }, requestId);
  }

  /** A running charge keeps the terms it started with; the change applies to the next one. */
  @Patch(':id')
  @Roles('admin')
  update(@Param() params: IdParams, @Body() body: StationChanges, @RequestId() requestId: string): Promise<StationView> {
    return this.backend.call('sessions', FleetRpc.updateStation, { ...body, id: params.id }, requestId);
  }
}
