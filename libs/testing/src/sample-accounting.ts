import Decimal from 'decimal.js';

/**
 * The fault suite's checker, after the RabbitMQ team's Jepsen suite for quorum queues: the publisher
 * keeps its own history of every sample it tried to send, and once the stack has drained, what
 * ChargeFlow says it counted and refused is read back and every attempt is accounted for.
 */

/** How a publish ended for the publisher: confirmed by the broker, or unknown (a confirm that timed out or a connection lost before it). */
export type PublishOutcome = 'confirmed' | 'indeterminate';

export interface PublishedSample {
  /** The AMQP messageId the publisher set: it links even a refused, unparseable or truncated message to its publish. */
  messageId: string;
  /** The sample's own id, as ChargeFlow counts it; a sample published twice has two publishes with one telemetryId. */
  telemetryId: string;
  sessionId: string;
  energyWh: string;
  outcome: PublishOutcome;
}

export interface CountedSample {
  telemetryId: string;
  sessionId: string;
  energyWh: string;
}

export interface RecordedRejection {
  messageId: string | null;
  telemetryId: string | null;
  reason: string;
  /** The session the refused sample named, when it could be read. */
  sessionId?: string | null;
}

export interface FinalizedRide {
  sessionId: string;
  state: string;
  energyWh: string | null;
  /** The checker asked for the ride's end (answered or not). */
  endRequested?: boolean;
}

/** A refusal for this reason names a session whose telemetry ledger is sealed: the public trace of a seal. */
export const SEALED_LEDGER_REASON = 'SESSION_FINALIZED';

export interface SampleAccounting {
  attempted: number;
  confirmed: number;
  indeterminate: number;
  /** Distinct samples counted in a ledger. */
  counted: number;
  rejectedByReason: Record<string, number>;
  /** Confirmed, yet neither counted nor refused with a reason. */
  lost: string[];
  /** Counted more than once. */
  duplicated: string[];
  /** Counted, though nobody published it, or counted in another session than it was published for. */
  phantom: string[];
  /** Sessions that are not finalized, or whose total is not the sum of their counted samples. */
  wrongSessions: { sessionId: string; state: string; energyWh: string | null; countedWh: string }[];
  /** The energy of every distinct counted sample, in all, and per session. */
  countedWh: string;
  countedWhBySession: Record<string, string>;
  /** Sessions whose ledger is seen sealed: telemetry refused a late sample of theirs as SESSION_FINALIZED. */
  sealedSeen: number;
  /** Sessions not Finalized though their ledger is seen sealed or their end was requested. */
  activeWithSealedLedger: string[];
}

export function accountFor(
  history: PublishedSample[],
  counted: CountedSample[],
  rejections: RecordedRejection[],
  rides: FinalizedRide[],
): SampleAccounting {
  const timesCounted = new Map<string, number>();
  for (const sample of counted) timesCounted.set(sample.telemetryId, (timesCounted.get(sample.telemetryId) ?? 0) + 1);
  const rejectedMessages = new Set(
    rejections.flatMap((rejection) => (rejection.messageId ? [rejection.messageId] : [])),
  );
  const rejectedSamples = new Set(
    rejections.flatMap((rejection) => (rejection.telemetryId ? [rejection.telemetryId] : [])),
  );
  const rejectedByReason: Record<string, number> = {};
  for (const rejection of rejections)
    rejectedByReason[rejection.reason] = (rejectedByReason[rejection.reason] ?? 0) + 1;

  const lost = new Set<string>();
  const sessionOf = new Map(history.map((publish) => [publish.telemetryId, publish.sessionId]));
  for (const publish of history) {
    if (publish.outcome !== 'confirmed') continue;
    const accounted =
      timesCounted.has(publish.telemetryId) ||
      rejectedMessages.has(publish.messageId) ||
      rejectedSamples.has(publish.telemetryId);
    if (!accounted) lost.add(publish.messageId);
  }

  const countedWh = new Map<string, Decimal>();
  for (const sample of counted)
    countedWh.set(sample.sessionId, (countedWh.get(sample.sessionId) ?? new Decimal(0)).plus(sample.energyWh));
  const distinctWh = new Map<string, Decimal>();
  for (const sample of counted) distinctWh.set(sample.telemetryId, new Decimal(sample.energyWh));
  const sealed = new Set(
    rejections.flatMap((rejection) =>
      rejection.reason === SEALED_LEDGER_REASON && rejection.sessionId ? [rejection.sessionId] : [],
    ),
  );
  const wrongSessions = rides
    .map((ride) => ({ ...ride, countedWh: (countedWh.get(ride.sessionId) ?? new Decimal(0)).toFixed() }))
    .filter(
      (ride) => ride.state !== 'FINALIZED' || ride.energyWh === null || !new Decimal(ride.energyWh).eq(ride.countedWh),
    );

  return {
    attempted: history.length,
    confirmed: history.filter((publish) => publish.outcome === 'confirmed').length,
    indeterminate: history.filter((publish) => publish.outcome === 'indeterminate').length,
    counted: timesCounted.size,
    rejectedByReason,
    lost: [...lost],
    duplicated: [...timesCounted].filter(([, times]) => times > 1).map(([telemetryId]) => telemetryId),
    phantom: counted
      .filter((sample) => sessionOf.get(sample.telemetryId) !== sample.sessionId)
      .map((sample) => sample.telemetryId),
    wrongSessions,
    countedWh: Decimal.sum(0, ...distinctWh.values()).toFixed(),
    countedWhBySession: Object.fromEntries([...countedWh].map(([sessionId, wh]) => [sessionId, wh.toFixed()])),
    sealedSeen: rides.filter((ride) => sealed.has(ride.sessionId)).length,
    activeWithSealedLedger: rides
      .filter((ride) => ride.state !== 'FINALIZED' && (sealed.has(ride.sessionId) || ride.endRequested === true))
      .map((ride) => ride.sessionId),
  };
}

/** One line of counts, as each fault case prints it. */
export function accountingLine(name: string, accounting: SampleAccounting): string {
  const rejected = Object.entries(accounting.rejectedByReason)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  return (
    `${name}: attempted ${accounting.attempted}, confirmed ${accounting.confirmed}, indeterminate ` +
    `${accounting.indeterminate}, counted ${accounting.counted}, rejected {${rejected}}, lost ` +
    `${accounting.lost.length}, duplicated ${accounting.duplicated.length}, phantom ${accounting.phantom.length}, ` +
    `wrong sessions ${accounting.wrongSessions.length}, active with a sealed ledger ` +
    `${accounting.activeWithSealedLedger.length}`
  );
}

/** What analytics answers for a run's range: the summary, one summary per vehicle, and the sessions that explain its energy. */
export interface AnalyticsReading {
  rides: number;
  energyConsumedWh: string;
  pricedSessions: number;
  /** Revenue including VAT, per currency. */
  revenueInclVat: Record<string, string>;
  /** Energy consumed, per vehicle. */
  energyByVehicle: Record<string, string>;
  /** Each session's value in the explanation of `energyConsumedWh`. */
  explainedEnergy: Record<string, string>;
}

/** What the checker knows apart from the samples: each finalized ride's vehicle, and the bills' totals per currency. */
export interface AnalyticsExpectation {
  vehicleOf: Record<string, string>;
  billedInclVat: Record<string, string>;
}

/**
 * Where analytics disagrees with what the checker computed itself from the samples it read back and
 * the bills: ride count, energy (in all, per vehicle, per session), priced sessions and revenue. Empty when it agrees.
 */
export function analyticsDisagreements(
  reading: AnalyticsReading,
  accounting: Pick<SampleAccounting, 'countedWh' | 'countedWhBySession'>,
  expected: AnalyticsExpectation,
): string[] {
  const differences: string[] = [];
  const sameAmount = (what: string, analytics: string | undefined, checker: string) => {
    if (analytics === undefined || !new Decimal(analytics).eq(checker))
      differences.push(`${what}: analytics ${analytics ?? 'nothing'}, checker ${checker}`);
  };
  const sessions = Object.keys(expected.vehicleOf);
  if (reading.rides !== sessions.length)
    differences.push(`rides: analytics ${reading.rides}, checker ${sessions.length}`);
  if (reading.pricedSessions !== sessions.length)
    differences.push(`priced sessions: analytics ${reading.pricedSessions}, checker ${sessions.length}`);
  sameAmount('energy consumed', reading.energyConsumedWh, accounting.countedWh);
  const currencies = new Set([...Object.keys(reading.revenueInclVat), ...Object.keys(expected.billedInclVat)]);
  for (const currency of currencies)
    sameAmount(`revenue in ${currency}`, reading.revenueInclVat[currency], expected.billedInclVat[currency] ?? '0');

  const byVehicle = new Map<string, Decimal>();
  for (const sessionId of sessions) {
    const vehicleId = expected.vehicleOf[sessionId];
    byVehicle.set(
      vehicleId,
      (byVehicle.get(vehicleId) ?? new Decimal(0)).plus(accounting.countedWhBySession[sessionId] ?? 0),
    );
  }
  for (const vehicleId of new Set([...byVehicle.keys(), ...Object.keys(reading.energyByVehicle)]))
    sameAmount(
      `energy of vehicle ${vehicleId}`,
      reading.energyByVehicle[vehicleId],
      (byVehicle.get(vehicleId) ?? new Decimal(0)).toFixed(),
    );
  for (const sessionId of new Set([...sessions, ...Object.keys(reading.explainedEnergy)]))
    sameAmount(
      `explained energy of session ${sessionId}`,
      reading.explainedEnergy[sessionId],
      accounting.countedWhBySession[sessionId] ?? '0',
    );
  return differences;
}
