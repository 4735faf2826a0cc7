import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import {
  CreateTokenRequest,
  IdTagRequest,
  ListTokensRequest,
  RevokeTokenRequest,
  TokenRpc,
  type AuthorizationView,
  type Page,
  type TokenView,
} from '@chargeflow/contracts';
import { decodeCursor, pageSize, toPage } from '@chargeflow/runtime';
import { IdTagTakenError, RiderNotFoundError, TokenNotFoundError, VehicleNotFoundError } from './domain/fleet.errors';
import { TokenRepository, toTokenView } from './infrastructure/token.repository';
import { TypeOrmFleetRepository } from './infrastructure/typeorm-fleet.repository';

/** Riders' tokens: the idTags a charger sends, each naming a rider and the vehicle a charge is for. */
@Controller()
export class TokensRpcController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fleet: TypeOrmFleetRepository,
    private readonly tokens: TokenRepository,
  ) {}

  @MessagePattern(TokenRpc.create)
  async create(@Payload() request: CreateTokenRequest): Promise<TokenView> {
    const manager = this.dataSource.manager;
    if (!(await this.fleet.rider(manager, request.riderId))) throw new RiderNotFoundError(request.riderId);
    if (!(await this.fleet.vehicle(manager, request.vehicleId))) throw new VehicleNotFoundError(request.vehicleId);
    const id = randomUUID();
    if (!(await this.tokens.insert(manager, { id, ...request }))) throw new IdTagTakenError(request.idTag);
    return toTokenView((await this.tokens.byId(manager, request.riderId, id))!);
  }

  /** Revoking again answers the token as first revoked. */
  @MessagePattern(TokenRpc.revoke)
  async revoke(@Payload() request: RevokeTokenRequest): Promise<TokenView> {
    const manager = this.dataSource.manager;
    await this.tokens.revoke(manager, request.riderId, request.tokenId);
    const token = await this.tokens.byId(manager, request.riderId, request.tokenId);
    if (!token) throw new TokenNotFoundError(request.riderId, request.tokenId);
    return toTokenView(token);
  }

  @MessagePattern(TokenRpc.list)
  async list(@Payload() request: ListTokensRequest): Promise<Page<TokenView>> {
    const manager = this.dataSource.manager;
    if (!(await this.fleet.rider(manager, request.riderId))) throw new RiderNotFoundError(request.riderId);
    const limit = pageSize(request.limit);
    const rows = await this.tokens.ofRider(manager, request.riderId, decodeCursor(request.cursor), limit);
    return toPage(
      rows,
      limit,
      (row) => ({ at: row.cursorAt, id: row.id }),
      ({ cursorAt: _position, ...row }) => toTokenView(row),
    );
  }

  /** OCPP Authorize: Accepted for a live token, Blocked for a revoked one, Invalid for an unknown idTag. */
  @MessagePattern(TokenRpc.authorize)
  async authorize(@Payload() request: IdTagRequest): Promise<AuthorizationView> {
    const token = await this.tokens.byIdTag(this.dataSource.manager, request.idTag);
    if (!token) return { status: 'Invalid' };
    return { status: token.revokedAt ? 'Blocked' : 'Accepted', token: toTokenView(token) };
  }
}
