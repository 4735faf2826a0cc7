import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SessionRpc, type SessionView } from '@chargeflow/contracts';
import { RpcClient } from '@chargeflow/messaging';
import { LedgerRepository } from '../../ledger/ledger.repository';

/**
 * When a sample arrives before `session.started.v1`, asks the sessions service about the session and
 * opens its ledger if it is active. Sessions it does not know stay unknown and their samples are refused.
 */
@Injectable()
export class SessionDirectory {
  constructor(
    private readonly rpc: RpcClient,
    private readonly ledger: LedgerRepository,
  ) {}

  async openLedgers(manager: EntityManager, sessionIds: string[], correlationId: string): Promise<void> {
    await Promise.all(
      sessionIds.map(async (sessionId) => {
        const reply = await this.rpc.request<SessionView>(
          'sessions',
          SessionRpc.get,
          { sessionId },
          { correlationId, timeoutMs: 5_000 },
        );
        if (!reply.ok) {
          if (reply.error.kind === 'NOT_FOUND') return;
          throw new Error(`sessions could not describe session ${sessionId}: ${reply.error.code}`);
        }
        const session = reply.data;
        if (session.state !== 'ACTIVE') return;
        await this.ledger.open(manager, {
          sessionId: session.id,
          kind: session.kind,
          vehicleId: session.vehicleId,
          stationId: session.stationId,
          startedAt: session.startedAt,
        });
      }),
    );
  }
}
