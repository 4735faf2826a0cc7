import Decimal from 'decimal.js';
import { SAMPLE_LIMITS, type SessionKind } from '@chargeflow/contracts';
import type { Refusal, Sample } from './sample';

/** A meter reading as the ledger keeps it: the register at one `seq`. */
export interface MeterMark {
  seq: number;
  wh: string;
}

/** What the ledger knows of a session when a batch arrives. */
export interface LedgerState {
  sessionId: string;
  kind: SessionKind;
  state: 'ACTIVE' | 'SEALED';
  vehicleId: string;
  stationId: string | null;
  /** A charge at a metered station: only the station's meter counts toward its energy. */
  metered: boolean;
  startedAt: Date;
  energyWh: string;
  distanceM: string;
  /** The lowest-`seq` and the highest-`seq` readings so far: the charge's energy is their difference. */
  firstMeter: MeterMark | null;
  lastMeter: MeterMark | null;
}

export interface AcceptedSample extends Sample {
  /** What the sample adds to its session's total. */
  energyWh: string;
  /** False for a vehicle's sample during a metered charge: stored, but the station's meter counts. */
  counted: boolean;
}

export interface LedgerIncrement {
  sessionId: string;
  energyWh: string;
  distanceM: string;
  sampleCount: number;
  firstMeter: MeterMark | null;
  lastMeter: MeterMark | null;
}

export interface Admission {
  accepted: AcceptedSample[];
  refused: { sample: Sample; refusal: Refusal }[];
  duplicates: number;
  increments: LedgerIncrement[];
}

export interface AdmissionRules {
  /** How much earlier than its session's start a sample may say it was emitted (device clock skew). */
  clockSkewMs: number;
}

const MAX_TOTAL = new Decimal(SAMPLE_LIMITS.maxTotal);

interface Running {
  energy: Decimal;
  distance: Decimal;
  count: number;
  firstMeter: MeterMark | null;
  lastMeter: MeterMark | null;
}

/**
 * Decides, for a batch, which samples count: only new ones, for an Active session, from the session's
 * own device, emitted after the session started (less the clock skew), keeping the total within its
 * column. A charger's readings are ordered by `seq`, not by arrival: the charge's energy is the
 * highest-`seq` register minus the lowest, and each reading adds what it changes of that difference.
 */
export function admit(
  samples: Sample[],
  ledgers: Map<string, LedgerState>,
  stored: Map<string, string>,
  rules: AdmissionRules,
): Admission {
  const admission: Admission = { accepted: [], refused: [], duplicates: 0, increments: [] };
  const acceptedHere = new Map<string, string>();
  const totals = new Map<string, Running>();
  const refuse = (sample: Sample, reason: Refusal['reason'], detail: string) =>
    admission.refused.push({
      sample,
      refusal: {
        reason,
        detail,
        telemetryId: sample.telemetryId,
        sessionId: sample.sessionId,
        deviceId: sample.deviceId,
      },
    });

  for (const sample of samples) {
    const previous = stored.get(sample.telemetryId) ?? acceptedHere.get(sample.telemetryId);
    if (previous !== undefined) {
      if (previous === sample.contentHash) admission.duplicates += 1;
      else
        refuse(
          sample,
          'TELEMETRY_ID_CONFLICT',
          `telemetryId ${sample.telemetryId} was already accepted with other content`,
        );
      continue;
    }
    const ledger = ledgers.get(sample.sessionId);
    if (!ledger) {
      refuse(sample, 'SESSION_UNKNOWN', `no session ${sample.sessionId}`);
      continue;
    }
    if (ledger.state === 'SEALED') {
      refuse(sample, 'SESSION_FINALIZED', `session ${sample.sessionId} is finalized; its totals are fixed`);
      continue;
    }
    const owner = sample.source === 'VEHICLE' ? ledger.vehicleId : ledger.stationId;
    if (owner !== sample.deviceId) {
      refuse(
        sample,
        'DEVICE_MISMATCH',
        `${sample.source === 'VEHICLE' ? 'vehicle' : 'station'} ${sample.deviceId} is not part of session ${sample.sessionId}`,
      );
      continue;
    }
    if (sample.emittedAt.getTime() < ledger.startedAt.getTime() - rules.clockSkewMs) {
      refuse(
        sample,
        'EMITTED_BEFORE_SESSION_START',
        `emittedAt ${sample.emittedAt.toISOString()} is more than ${rules.clockSkewMs / 60_000} min before the session started`,
      );
      continue;
    }
    const running = totals.get(ledger.sessionId) ?? {
      energy: new Decimal(0),
      distance: new Decimal(0),
      count: 0,
      firstMeter: ledger.firstMeter,
      lastMeter: ledger.lastMeter,
    };
    const counted = !(ledger.kind === 'CHARGING' && ledger.metered && sample.source === 'VEHICLE');
    let energy = new Decimal(counted ? (sample.energyWh ?? 0) : 0);
    let meter: Pick<Running, 'firstMeter' | 'lastMeter'> | null = null;
    if (sample.meterWh !== null) {
      const placed = placeReading(running, { seq: sample.seq as number, wh: sample.meterWh });
      if ('contradiction' in placed) {
        refuse(sample, 'METER_WENT_BACKWARDS', placed.contradiction);
        continue;
      }
      energy = placed.energy;
      meter = { firstMeter: placed.firstMeter, lastMeter: placed.lastMeter };
    }
    const distance = new Decimal(counted ? (sample.distanceM ?? 0) : 0);
    const energyTotal = running.energy.plus(energy).plus(ledger.energyWh);
    const distanceTotal = running.distance.plus(distance).plus(ledger.distanceM);
    if (energyTotal.greaterThan(MAX_TOTAL) || distanceTotal.greaterThan(MAX_TOTAL)) {
      refuse(sample, 'TOTAL_OUT_OF_RANGE', `the session's total would exceed ${SAMPLE_LIMITS.maxTotal}`);
      continue;
    }
    if (meter) Object.assign(running, meter);
    acceptedHere.set(sample.telemetryId, sample.contentHash);
    running.energy = running.energy.plus(energy);
    running.distance = running.distance.plus(distance);
    if (counted) running.count += 1;
    totals.set(ledger.sessionId, running);
    const energyWh = counted && sample.meterWh === null ? (sample.energyWh as string) : energy.toFixed();
    admission.accepted.push({ ...sample, energyWh: counted ? energyWh : (sample.energyWh ?? '0'), counted });
  }
  for (const [sessionId, running] of totals) {
    admission.increments.push({
      sessionId,
      energyWh: running.energy.toFixed(),
      distanceM: running.distance.toFixed(),
      sampleCount: running.count,
      firstMeter: running.firstMeter,
      lastMeter: running.lastMeter,
    });
  }
  return admission;
}

/**
 * Places a reading among the lowest- and highest-`seq` ones. A reading outside them moves an end and
 * adds the difference; one between them must lie between their registers and adds nothing.
 */
function placeReading(
  running: Pick<Running, 'firstMeter' | 'lastMeter'>,
  reading: MeterMark,
): { energy: Decimal; firstMeter: MeterMark; lastMeter: MeterMark } | { contradiction: string } {
  const { firstMeter: first, lastMeter: last } = running;
  if (!first || !last) return { energy: new Decimal(0), firstMeter: reading, lastMeter: reading };
  const register = new Decimal(reading.wh);
  const contradiction = (other: MeterMark) => ({
    contradiction: `meter reading ${reading.wh} Wh at seq ${reading.seq} contradicts ${other.wh} Wh at seq ${other.seq}`,
  });
  if (reading.seq > last.seq) {
    if (register.lessThan(last.wh)) return contradiction(last);
    return { energy: register.minus(last.wh), firstMeter: first, lastMeter: reading };
  }
  if (reading.seq < first.seq) {
    if (register.greaterThan(first.wh)) return contradiction(first);
    return { energy: new Decimal(first.wh).minus(register), firstMeter: reading, lastMeter: last };
  }
  if (register.lessThan(first.wh) || (reading.seq === first.seq && !register.equals(first.wh)))
    return contradiction(first);
  if (register.greaterThan(last.wh) || (reading.seq === last.seq && !register.equals(last.wh)))
    return contradiction(last);
  return { energy: new Decimal(0), firstMeter: first, lastMeter: last };
}
