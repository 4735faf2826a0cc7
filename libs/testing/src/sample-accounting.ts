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
}

export interface FinalizedRide {
  sessionId: string;
  state: string;
  energyWh: string | null;
}

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
    `wrong sessions ${accounting.wrongSessions.length}`
  );
}
