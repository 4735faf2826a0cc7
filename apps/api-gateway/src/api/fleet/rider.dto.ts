import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { CreateRiderRequest, IdTagRequest, ListRequest, PageRequest, RiderChanges } from '@chargeflow/contracts';
import { EXAMPLE, nullable, PageQueryOf, pageOf, uuid } from '../openapi-helpers';

/** The contract's request, documented (`declare` adds docs, not fields) under the contract's name. */
@ApiSchema({ name: 'CreateRiderRequest' })
export class CreateRiderBody extends CreateRiderRequest {
  @ApiProperty({ type: String, maxLength: 200, example: 'Ada Lovelace' })
  declare name: string;
}

@ApiSchema({ name: 'RiderChanges' })
export class RiderChangesBody extends RiderChanges {
  @ApiPropertyOptional({ type: String, maxLength: 200, example: 'Ada King' })
  declare name?: string;
}

export class ListRidersQuery extends PageQueryOf(ListRequest) {}

export class RiderDocument {
  @ApiProperty(uuid(EXAMPLE.riderId))
  id!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;

  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE.instant })
  createdAt!: string;
}

export const RiderPageDocument = pageOf(RiderDocument, 'RiderPage');

/** The body of `POST /v1/riders/{id}/tokens`; the rider comes from the path. */
@ApiSchema({ name: 'CreateTokenRequest' })
export class CreateTokenBody extends IdTagRequest {
  @ApiProperty({
    type: String,
    pattern: '^[\\x21-\\x7e]{1,20}$',
    description: 'The OCPP idTag (an RFID card’s id, say): at most 20 characters, unique case-insensitively.',
    example: '04A2B3C4D5E6F7',
  })
  declare idTag: string;

  @ApiProperty(uuid(EXAMPLE.vehicleId, 'The vehicle a charge started with this token charges.'))
  @IsUUID()
  vehicleId!: string;
}

export class TokenParams {
  @ApiProperty(uuid(EXAMPLE.riderId))
  @IsUUID()
  id!: string;

  @ApiProperty(uuid(EXAMPLE.tokenId))
  @IsUUID()
  tokenId!: string;
}

export class ListTokensQuery extends PageQueryOf(PageRequest) {}

export class TokenDocument {
  @ApiProperty(uuid(EXAMPLE.tokenId))
  id!: string;

  @ApiProperty(uuid(EXAMPLE.riderId))
  riderId!: string;

  @ApiProperty(uuid(EXAMPLE.vehicleId))
  vehicleId!: string;

  @ApiProperty({ example: '04A2B3C4D5E6F7' })
  idTag!: string;

  @ApiProperty(
    nullable({ type: String, format: 'date-time', example: null, description: 'Revoked tokens answer Blocked.' }),
  )
  revokedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE.instant })
  createdAt!: string;
}

export const TokenPageDocument = pageOf(TokenDocument, 'TokenPage');
