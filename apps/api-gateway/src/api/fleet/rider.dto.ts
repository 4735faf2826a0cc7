import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { CreateRiderRequest, ListRequest, RiderChanges } from '@chargeflow/contracts';
import { EXAMPLE, PageQueryOf, pageOf, uuid } from '../openapi-helpers';

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
