import { Injectable } from '@nestjs/common';
import { TokenRpc, type AuthorizationStatus, type AuthorizationView } from '@chargeflow/contracts';
import type { ChargePointContext, OcppActionHandler } from '../ocpp-action';
import { BackendClient } from '../backend.client';

interface AuthorizeReq {
  idTag: string;
}

interface AuthorizeConf {
  idTagInfo: { status: AuthorizationStatus };
}

/** Authorize: the idTag's token, as the sessions service knows it (case-insensitively). */
@Injectable()
export class AuthorizeHandler implements OcppActionHandler<AuthorizeReq, AuthorizeConf> {
  readonly action = 'Authorize';

  constructor(private readonly backend: BackendClient) {}

  async handle(chargePoint: ChargePointContext, params: AuthorizeReq): Promise<AuthorizeConf> {
    const authorization = await this.backend.call<AuthorizationView>(
      'sessions',
      TokenRpc.authorize,
      { idTag: params.idTag },
      `ocpp:${chargePoint.chargePointId}`,
    );
    return { idTagInfo: { status: authorization.status } };
  }
}
