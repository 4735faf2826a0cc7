import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChargePointRpc, FleetRpc, type ConnectorStatusView, type Page, type StationView } from '@chargeflow/contracts';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable } from '../../openapi/api-problems.decorator';
import { EXAMPLE } from '../openapi-helpers';
import { RequestId } from '../request-id.decorator';
import { ResourceId } from '../resource-id.decorator';
import { IdParams } from '../id-params';
import {
  CreateStationBody,
  ListStationsQuery,
  StationChangesBody,
  StationDocument,
  StationPageDocument,
} from './station.dto';

@ApiTags('Stations')
@ApiBearerAuth()
@Controller('v1/stations')
export class StationsController {
  constructor(private readonly backend: BackendClient) {}

  @Post()
  @HttpCode(201)
  @Roles(...RoleSets.referenceDataWrites)
  @ApiOperation({ summary: 'Register a station' })
  @ApiCreatedResponse({ type: StationDocument })
  @ApiProblems(serviceUnavailable('sessions'))
  create(
    @Body() body: CreateStationBody,
    @ResourceId() id: string | undefined,
    @RequestId() requestId: string,
  ): Promise<StationView> {
    return this.backend.call('sessions', FleetRpc.createStation, { ...body, id }, requestId);
  }

  @Get()
  @Roles(...RoleSets.reads)
  @ApiOperation({ summary: 'List stations' })
  @ApiOkResponse({ type: StationPageDocument })
  @ApiProblems(serviceUnavailable('sessions'))
  list(@Query() query: ListStationsQuery, @RequestId() requestId: string): Promise<Page<StationView>> {
    return this.backend.call('sessions', FleetRpc.listStations, query, requestId);
  }

  /** The station with its active session, if any, and its OCPP connector's last reported status. */
  @Get(':id')
  @Roles(...RoleSets.reads)
  @ApiOperation({ summary: 'Read a station' })
  @ApiOkResponse({ type: StationDocument })
  @ApiProblems(
    { code: 'STATION_NOT_FOUND', detail: `no station ${EXAMPLE.stationId}` },
    serviceUnavailable('sessions'),
    serviceUnavailable('central-system'),
  )
  async get(@Param() params: IdParams, @RequestId() requestId: string): Promise<StationView> {
    const station = await this.backend.call<StationView>('sessions', FleetRpc.getStation, { id: params.id }, requestId);
    if (!station.ocpp) return station;
    const connector = await this.backend.call<ConnectorStatusView>(
      'central-system',
      ChargePointRpc.connectorStatus,
      station.ocpp,
      requestId,
    );
    return { ...station, ocpp: connector };
  }

  /** A running charge keeps the terms it started with; the change applies to the next one. */
  @Patch(':id')
  @Roles(...RoleSets.referenceDataWrites)
  @ApiOperation({ summary: 'Change a station' })
  @ApiOkResponse({ type: StationDocument })
  @ApiProblems({ code: 'STATION_NOT_FOUND', detail: `no station ${EXAMPLE.stationId}` }, serviceUnavailable('sessions'))
  update(
    @Param() params: IdParams,
    @Body() body: StationChangesBody,
    @RequestId() requestId: string,
  ): Promise<StationView> {
    return this.backend.call('sessions', FleetRpc.updateStation, { ...body, id: params.id }, requestId);
  }
}
