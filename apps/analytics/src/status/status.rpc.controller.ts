import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { AnalyticsRpc, Queues, type AnalyticsStatus } from '@chargeflow/contracts';
import { AmqpConnection } from '@chargeflow/messaging';
import { readProjectionState } from '../projection/infrastructure/projection-state';
import { LIVE_SCHEMA } from '../projection/infrastructure/projection.store';

@Controller()
export class StatusRpcController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
  ) {}

  /** The newest event applied, how far behind the projection is, the sessions projected and a rebuild's progress. */
  @MessagePattern(AnalyticsRpc.status)
  async status(): Promise<AnalyticsStatus> {
    const [state, [{ sessions }], pendingEvents] = await Promise.all([
      readProjectionState(this.dataSource.manager),
      this.dataSource.query(
        `SELECT coalesce(sum(sessions), 0)::int AS sessions FROM ${LIVE_SCHEMA}.rollup WHERE level = 'MONTH' AND dim = 'ALL'`,
      ) as Promise<{ sessions: number }[]>, // from the coarsest rollup: a few rows, not a scan of the facts
      this.waitingEvents(),
    ]);
    const occurred = state.lastEventOccurredAt;
    return {
      lastEventOccurredAt: occurred?.toISOString() ?? null,
      lastAppliedAt: state.lastAppliedAt?.toISOString() ?? null,
      pendingEvents,
      lagS: lagOf(pendingEvents, occurred, new Date()),
      sessions,
      rebuild: state.rebuild,
    };
  }

  /** Events waiting in the service's queue; null when the broker cannot be asked. */
  private async waitingEvents(): Promise<number | null> {
    try {
      const channel = await this.connection.current().createChannel();
      // A failed check closes its channel with an error event: answered here, not left unhandled.
      channel.on('error', () => undefined);
      try {
        return (await channel.checkQueue(Queues.analyticsEvents)).messageCount;
      } finally {
        await channel.close().catch(() => undefined);
      }
    } catch {
      return null;
    }
  }
}

/**
 * How far behind the projection is: nothing when no event waits, else the time since the newest
 * event it applied occurred, which grows for as long as the consumer does not catch up.
 */
function lagOf(pendingEvents: number | null, occurred: Date | null, now: Date): number | null {
  if (pendingEvents === null) return null;
  if (pendingEvents === 0) return 0;
  return occurred ? Math.max(0, (now.getTime() - occurred.getTime()) / 1000) : null;
}
