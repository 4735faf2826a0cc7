import { IsUUID } from 'class-validator';

/** The `{id}` of a resource route; anything but a UUID is a 400 naming the field. */
export class IdParams {
  @IsUUID()
  id!: string;
}

/** The `{sessionId}` of a billing route. */
export class SessionIdParams {
  @IsUUID()
  sessionId!: string;
}
