import type { EntityManager } from 'typeorm';
import type { AnalyticsRebuildProgress } from '@chargeflow/contracts';

/** The one row of projection_state: when the projection was built whole, the newest event, a rebuild's progress. */
export interface ProjectionState {
  builtAt: Date | null;
  lastEventOccurredAt: Date | null;
  lastAppliedAt: Date | null;
  rebuild: AnalyticsRebuildProgress;
}

interface StateRow {
  built_at: Date | null;
  last_event_occurred_at: Date | null;
  last_applied_at: Date | null;
  rebuild_state: 'IDLE' | 'REBUILDING';
  rebuild_started_at: Date | null;
  rebuild_finished_at: Date | null;
  rebuild_sessions_read: string;
  rebuild_billing_read: string;
}

export async function readProjectionState(manager: EntityManager): Promise<ProjectionState> {
  const [row] = (await manager.query(`SELECT * FROM projection_state`)) as StateRow[];
  return {
    builtAt: row.built_at,
    lastEventOccurredAt: row.last_event_occurred_at,
    lastAppliedAt: row.last_applied_at,
    rebuild: {
      state: row.rebuild_state,
      startedAt: row.rebuild_started_at?.toISOString() ?? null,
      sessionsRead: Number(row.rebuild_sessions_read),
      billingRecordsRead: Number(row.rebuild_billing_read),
      finishedAt: row.rebuild_finished_at?.toISOString() ?? null,
    },
  };
}
