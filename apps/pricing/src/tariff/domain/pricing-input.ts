import {
  DECIMAL_PATTERN,
  SessionKinds,
  type DecimalString,
  type RpcFieldError,
  type SessionFinalizedV1,
  type SessionKind,
} from '@chargeflow/contracts';
import { isValidTimeZone } from './local-time';
import { Exact } from './money';
import { PricingInputInvalidError, SessionEndsBeforeStartError } from './tariff.errors';

/**
 * What the engine prices: a finalized session or a quote, the same way. `parkingDurationS` is the
 * time plugged in without drawing energy, taken as the end of the session (after energy stopped).
 * `timeZone` is the station's, or the operator's for a ride.
 */
export interface PricingInput {
  kind: SessionKind;
  startedAt: string;
  endedAt: string;
  energyWh: DecimalString;
  parkingDurationS?: number;
  timeZone: string;
}

/** The input in one normal form (UTC ISO instants, plain decimals, parking 0 when absent): what the input hash covers. */
export interface SessionFacts {
  kind: SessionKind;
  startedAt: string;
  endedAt: string;
  energyWh: DecimalString;
  parkingDurationS: number;
  timeZone: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export function sessionFactsOf(input: PricingInput): SessionFacts {
  const errors: RpcFieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  if (!SessionKinds.includes(input.kind)) fail('kind', `must be one of ${SessionKinds.join(', ')}`);
  const startMs = instantOf(input.startedAt);
  const endMs = instantOf(input.endedAt);
  if (startMs === null) fail('startedAt', 'must be an ISO 8601 instant with an offset, to the millisecond');
  if (endMs === null) fail('endedAt', 'must be an ISO 8601 instant with an offset, to the millisecond');
  if (!DECIMAL_PATTERN.test(input.energyWh) || input.energyWh.startsWith('-'))
    fail('energyWh', 'must be a non-negative decimal string');
  const parkingS = input.parkingDurationS ?? 0;
  if (!Number.isSafeInteger(parkingS) || parkingS < 0)
    fail('parkingDurationS', 'must be a whole number of seconds, not negative');
  else if (parkingS > 0 && input.kind === 'RIDE') fail('parkingDurationS', 'a ride is never parked at a charger');
  if (!isValidTimeZone(input.timeZone)) fail('timeZone', 'must be an IANA time zone');
  if (errors.length > 0 || startMs === null || endMs === null) throw new PricingInputInvalidError(errors);

  if (endMs < startMs) throw new SessionEndsBeforeStartError(input.startedAt, input.endedAt);
  if (parkingS * 1000 > endMs - startMs)
    throw new PricingInputInvalidError([{ field: 'parkingDurationS', message: 'must not exceed the session' }]);
  return {
    kind: input.kind,
    startedAt: new Date(startMs).toISOString(),
    endedAt: new Date(endMs).toISOString(),
    energyWh: new Exact(input.energyWh).toFixed(),
    parkingDurationS: parkingS,
    timeZone: input.timeZone,
  };
}

function instantOf(value: string): number | null {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * A finalized session as the engine prices it. A charge is evaluated in its station's zone; a ride,
 * which has no station, in the operator's configured zone.
 */
export function pricingInputOf(
  session: SessionFinalizedV1,
  operatorTimeZone: string,
  parkingDurationS = 0,
): PricingInput {
  return {
    kind: session.kind,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    energyWh: session.energyWh,
    parkingDurationS,
    timeZone: session.kind === 'CHARGING' && session.stationTimeZone ? session.stationTimeZone : operatorTimeZone,
  };
}
