import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { EXAMPLE, uuid } from './openapi-helpers';

/** The `{id}` of a resource route; anything but a UUID is a 400 naming the field. */
export class IdParams {
  @ApiProperty(uuid(EXAMPLE.sessionId))
  @IsUUID()
  id!: string;
}

/** The `{sessionId}` of a billing route. */
export class SessionIdParams {
  @ApiProperty(uuid(EXAMPLE.sessionId))
  @IsUUID()
  sessionId!: string;
}
