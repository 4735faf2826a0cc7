import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What a command travelling to a charge point's instance asks of it. */
export interface ChargePointCommand {
  chargePointId: string;
  action: 'RemoteStartTransaction' | 'RemoteStopTransaction';
  params: Record<string, unknown>;
}

/** A connected charge point as this instance can reach it. */
export interface LocalChargePoint {
  call(action: string, params: Record<string, unknown>, options: { callTimeoutMs: number }): Promise<unknown>;
}

/**
 * The charge points connected to this instance, and in the database which instance each one is
 * connected to now, so any instance can route a command to the right one.
 */
@Injectable()
export class ConnectionRegistry {
  /** This process: the queue `central-system.instance.<instanceId>` carries the commands for its charge points. */
  readonly instanceId = randomUUID();
  private readonly local = new Map<string, { connectionId: string; client: LocalChargePoint }>();

  constructor(private readonly dataSource: DataSource) {}

  /** Records a new connection; it replaces any earlier one of the charge point, here or elsewhere. */
  async connected(chargePointId: string, client: LocalChargePoint): Promise<string> {
    const connectionId = randomUUID();
    this.local.set(chargePointId, { connectionId, client });
    await this.dataSource.query(
      `INSERT INTO charge_point_connection (charge_point_id, instance_id, connection_id) VALUES ($1, $2, $3)
       ON CONFLICT (charge_point_id) DO UPDATE SET instance_id = $2, connection_id = $3, connected_at = now()`,
      [chargePointId, this.instanceId, connectionId],
    );
    return connectionId;
  }

  /** Forgets a closed connection, unless a newer one of the charge point has taken its place. */
  async disconnected(chargePointId: string, connectionId: string): Promise<void> {
    if (this.local.get(chargePointId)?.connectionId === connectionId) this.local.delete(chargePointId);
    await this.dataSource.query(
      `DELETE FROM charge_point_connection WHERE charge_point_id = $1 AND connection_id = $2`,
      [chargePointId, connectionId],
    );
  }

  /** The instance the charge point is connected to, or null when it is connected nowhere. */
  async instanceOf(chargePointId: string): Promise<string | null> {
    const rows: { instance_id: string }[] = await this.dataSource.query(
      `SELECT instance_id FROM charge_point_connection WHERE charge_point_id = $1`,
      [chargePointId],
    );
    return rows[0]?.instance_id ?? null;
  }

  localClient(chargePointId: string): LocalChargePoint | null {
    return this.local.get(chargePointId)?.client ?? null;
  }
}
