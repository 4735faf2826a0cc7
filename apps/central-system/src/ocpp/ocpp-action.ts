/** The charge point a frame came from: the identity it authenticated as. */
export interface ChargePointContext {
  chargePointId: string;
}

/**
 * One OCPP 1.6 action the central-system answers. Params arrive already validated against the
 * official JSON schema (the library's strict mode), so a handler may rely on their shape.
 */
export interface OcppActionHandler<Req = unknown, Conf = unknown> {
  readonly action: string;
  handle(chargePoint: ChargePointContext, params: Req): Promise<Conf>;
}

export const OCPP_ACTION_HANDLERS = Symbol('OCPP_ACTION_HANDLERS');
