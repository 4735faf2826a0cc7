import { IsString, IsUUID, Matches } from 'class-validator';
import { PageRequest } from '../common/pagination';

/** RPC patterns of riders' tokens (OCPP idTags), owned by the sessions service. */
export const TokenRpc = {
  create: 'tokens.create.v1',
  revoke: 'tokens.revoke.v1',
  list: 'tokens.list.v1',
  authorize: 'tokens.authorize.v1',
} as const;

/** OCPP 1.6 IdToken: CiString20, printable ASCII, compared case-insensitively. */
export const ID_TAG_PATTERN = /^[\x21-\x7e]{1,20}$/;

/** An OCPP 1.6 idTag: 1 to 20 printable ASCII characters (CiString20Type), compared case-insensitively. */
export function IsIdTag(): PropertyDecorator {
  return (target, property) => {
    IsString()(target, property);
    Matches(ID_TAG_PATTERN, { message: 'idTag must be 1 to 20 printable ASCII characters without spaces' })(
      target,
      property,
    );
  };
}

export class IdTagRequest {
  @IsIdTag()
  idTag!: string;
}

export class CreateTokenRequest extends IdTagRequest {
  @IsUUID()
  riderId!: string;

  /** The vehicle a charge started with this token charges. */
  @IsUUID()
  vehicleId!: string;
}

export class RevokeTokenRequest {
  @IsUUID()
  riderId!: string;

  @IsUUID()
  tokenId!: string;
}

export class ListTokensRequest extends PageRequest {
  @IsUUID()
  riderId!: string;
}

export interface TokenView {
  id: string;
  riderId: string;
  vehicleId: string;
  idTag: string;
  revokedAt: string | null;
  createdAt: string;
}

/** OCPP 1.6 AuthorizationStatus as ChargeFlow answers it. */
export type AuthorizationStatus = 'Accepted' | 'Blocked' | 'Invalid';

export interface AuthorizationView {
  status: AuthorizationStatus;
  /** Present when the token is known. */
  token?: TokenView;
}
