import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IdTagRequest, RegisterChargePointRequest } from '@chargeflow/contracts';
import { EXAMPLE } from '../openapi-helpers';

@ApiSchema({ name: 'RegisterChargePointRequest' })
export class RegisterChargePointBody extends RegisterChargePointRequest {
  @ApiProperty({
    type: String,
    pattern: '^[A-Za-z0-9._-]{1,48}$',
    description: 'The identity the charge point connects with: ws://<host>:<port>/ocpp/<chargePointId>.',
    example: 'CP-DEPOT-NORD-3',
  })
  declare chargePointId: string;

  @ApiProperty({
    type: String,
    minLength: 16,
    maxLength: 40,
    description:
      'The HTTP Basic auth password of OCPP security profile 1 (16 to 40 printable ASCII characters); only its hash is stored.',
    example: 'n7Gv2Qp9sXw4Lk8Z',
  })
  declare password: string;
}

export class ChargePointDocument {
  @ApiProperty({ example: 'CP-DEPOT-NORD-3' })
  chargePointId!: string;

  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE.instant })
  createdAt!: string;
}

@ApiSchema({ name: 'RemoteStartRequest' })
export class RemoteStartBody extends IdTagRequest {
  @ApiProperty({
    type: String,
    pattern: '^[\\x21-\\x7e]{1,20}$',
    description: 'The token the charge point starts the transaction with (it then sends StartTransaction).',
    example: '04A2B3C4D5E6F7',
  })
  declare idTag: string;
}

export class RemoteCommandDocument {
  @ApiProperty({ enum: ['Accepted', 'Rejected'], example: 'Accepted', description: 'As the charge point answered.' })
  status!: string;
}
