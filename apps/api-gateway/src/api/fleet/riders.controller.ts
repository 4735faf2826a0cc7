import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FleetRpc, TokenRpc, type Page, type RiderView, type TokenView } from '@chargeflow/contracts';
import { RoleSets } from '../../auth/role-policy';
import { Roles } from '../../auth/roles.decorator';
import { BackendClient } from '../../backend/backend.client';
import { ApiProblems, serviceUnavailable } from '../../openapi/api-problems.decorator';
import { EXAMPLE } from '../openapi-helpers';
import { RequestId } from '../request-id.decorator';
import { ResourceId } from '../resource-id.decorator';
import { IdParams } from '../id-params';
import {
  CreateRiderBody,
  CreateTokenBody,
  ListRidersQuery,
  ListTokensQuery,
  RiderChangesBody,
  RiderDocument,
  RiderPageDocument,
  TokenDocument,
  TokenPageDocument,
  TokenParams,
} from './rider.dto';

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

  /** A token (an OCPP idTag) a charger sends to start a charge for this rider's vehicle. */
  @Post(':id/tokens')
  @HttpCode(201)
  @Roles(...RoleSets.referenceDataWrites)
  @ApiOperation({ summary: 'Give a rider a charging token (OCPP idTag)' })
  @ApiCreatedResponse({ type: TokenDocument })
  @ApiProblems(
    { code: 'RIDER_NOT_FOUND', detail: `no rider ${EXAMPLE.riderId}` },
    { code: 'VEHICLE_NOT_FOUND', detail: `no vehicle ${EXAMPLE.vehicleId}` },
    { code: 'ID_TAG_TAKEN', detail: 'another token has the idTag 04A2B3C4D5E6F7' },
    serviceUnavailable('sessions'),
  )
  createToken(
    @Param() params: IdParams,
    @Body() body: CreateTokenBody,
    @RequestId() requestId: string,
  ): Promise<TokenView> {
    return this.backend.call('sessions', TokenRpc.create, { ...body, riderId: params.id }, requestId);
  }

  @Get(':id/tokens')
  @Roles(...RoleSets.reads)
  @ApiOperation({ summary: "List a rider's tokens" })
  @ApiOkResponse({ type: TokenPageDocument })
  @ApiProblems({ code: 'RIDER_NOT_FOUND', detail: `no rider ${EXAMPLE.riderId}` }, serviceUnavailable('sessions'))
  listTokens(
    @Param() params: IdParams,
    @Query() query: ListTokensQuery,
    @RequestId() requestId: string,
  ): Promise<Page<TokenView>> {
    return this.backend.call('sessions', TokenRpc.list, { ...query, riderId: params.id }, requestId);
  }

  /** A revoked token answers Blocked from then on; its idTag is never given to anyone else. */
  @Delete(':id/tokens/:tokenId')
  @Roles(...RoleSets.referenceDataWrites)
  @ApiOperation({ summary: 'Revoke a token' })
  @ApiOkResponse({ type: TokenDocument })
  @ApiProblems(
    { code: 'TOKEN_NOT_FOUND', detail: `rider ${EXAMPLE.riderId} has no token ${EXAMPLE.tokenId}` },
    serviceUnavailable('sessions'),
  )
  revokeToken(@Param() params: TokenParams, @RequestId() requestId: string): Promise<TokenView> {
    return this.backend.call('sessions', TokenRpc.revoke, { riderId: params.id, tokenId: params.tokenId }, requestId);
  }
}
