import Decimal from 'decimal.js';
import type { SessionKind } from '@chargeflow/contracts';
import type { Refusal, Sample } from './sample';

/** What the ledger knows of a session when a batch arrives. */
export interface LedgerState {
  sessionId: string;
  kind: SessionKind;
  state: 'ACTIVE' | 'SEALED';
  vehicleId: string;
  stationId: string | null;
  lastMeterWh: string | null;
}

export interface AcceptedSample extends Sample {
  energyWh: string;
}

export interface LedgerIncrement {
  sessionId: string;
  energyWh: string;
  distanceM: string;
  sampleCount: number;
  lastMeterWh: string | null;
}

export interface Admission {
  accepted: AcceptedSample[];
  refused: { sample: Sample; refusal: Refusal }[];
  duplicates: number;
  increments: LedgerIncrement[];
}

/**
 * Decides, for a batch in arrival order, which samples count: only new ones, for an Active session,
 * from the session's own device. A charger's meter readings become increments; the first reading of
 * a session is its baseline, and a reading below the previous one is refused.
 */
export function admit(samples: Sample[], ledgers: Map<string, LedgerState>, stored: Map<string, string>): Admission {
  const admission: Admission = { accepted: [], refused: [], duplicates: 0, increments: [] };
  const acceptedHere = new Map<string, string>();
  const totals = new Map<string, { energy: Decimal; distance: Decimal; count: number; lastMeter: string | null }>();
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
    const running = totals.get(ledger.sessionId) ?? {
      energy: new Decimal(0),
      distance: new Decimal(0),
      count: 0,
      lastMeter: ledger.lastMeterWh,
    };
    let energyWh = sample.energyWh;
    if (sample.meterWh !== null) {
      if (running.lastMeter !== null && new Decimal(sample.meterWh).lessThan(running.lastMeter)) {
        refuse(
          sample,
          'METER_WENT_BACKWARDS',
          `meter reading ${sample.meterWh} Wh is below the previous ${running.lastMeter} Wh`,
        );
        continue;
      }
      energyWh = running.lastMeter === null ? '0' : new Decimal(sample.meterWh).minus(running.lastMeter).toFixed();
      running.lastMeter = sample.meterWh;
    }
    acceptedHere.set(sample.telemetryId, sample.contentHash);
    running.energy = running.energy.plus(energyWh as string);
    running.distance = running.distance.plus(sample.distanceM ?? 0);
    running.count += 1;
    totals.set(ledger.sessionId, running);
    admission.accepted.push(
      energyWh === sample.energyWh ? (sample as AcceptedSample) : { ...sample, energyWh: energyWh as string },
    );
  }
  for (const [sessionId, running] of totals) {
    admission.increments.push({
      sessionId,
      energyWh: running.energy.toFixed(),
      distanceM: running.distance.toFixed(),
      sampleCount: running.count,
      lastMeterWh: running.lastMeter,
    });
  }
  return admission;
}
