import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ConnectorStatusChangedV1, ConnectorStatusView } from '@chargeflow/contracts';

export interface ChargePointRow {
  chargePointId: string;
  passwordHash: string;
  createdAt: Date;
}

/** Charge points and their connectors' last reported status, in the central-system's own database. */
@Injectable()
export class ChargePointRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** False when the id is taken: the primary key decides, so two registrations cannot both win. */
  async insert(chargePointId: string, passwordHash: string): Promise<ChargePointRow | null> {
    const rows: { created_at: Date }[] = await this.dataSource.query(
      `INSERT INTO charge_point (charge_point_id, password_hash) VALUES ($1, $2)
       ON CONFLICT (charge_point_id) DO NOTHING RETURNING created_at`,
      [chargePointId, passwordHash],
    );
    return rows[0] ? { chargePointId, passwordHash, createdAt: rows[0].created_at } : null;
  }

  async find(chargePointId: string): Promise<ChargePointRow | null> {
    const rows: { password_hash: string; created_at: Date }[] = await this.dataSource.query(
      `SELECT password_hash, created_at FROM charge_point WHERE charge_point_id = $1`,
      [chargePointId],
    );
    return rows[0] ? { chargePointId, passwordHash: rows[0].password_hash, createdAt: rows[0].created_at } : null;
  }

  async recordBoot(chargePointId: string, vendor: string, model: string, at: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE charge_point SET vendor = $2, model = $3, booted_at = $4 WHERE charge_point_id = $1 RETURNING 1`,
      [chargePointId, vendor, model, at],
    );
    return rows.length > 0;
  }

  /**
   * Keeps a connector's newest status: a StatusNotification older than the stored one (a late
   * retry) changes nothing. True when it was stored.
   */
  async saveStatus(manager: EntityManager, status: ConnectorStatusChangedV1): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO connector_status (charge_point_id, connector_id, status, error_code, info, status_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (charge_point_id, connector_id) DO UPDATE
         SET status = EXCLUDED.status, error_code = EXCLUDED.error_code, info = EXCLUDED.info, status_at = EXCLUDED.status_at
         WHERE connector_status.status_at <= EXCLUDED.status_at
       RETURNING 1`,
      [status.chargePointId, status.connectorId, status.status, status.errorCode, status.info ?? null, status.statusAt],
    );
    return rows.length > 0;
  }

  async status(chargePointId: string, connectorId: number): Promise<ConnectorStatusView> {
    const rows: { status: string; error_code: string; status_at: Date }[] = await this.dataSource.query(
      `SELECT status, error_code, status_at FROM connector_status WHERE charge_point_id = $1 AND connector_id = $2`,
      [chargePointId, connectorId],
    );
    const row = rows[0];
    return {
      chargePointId,
      connectorId,
      status: row?.status ?? null,
      errorCode: row?.error_code ?? null,
      statusAt: row ? row.status_at.toISOString() : null,
    };
  }
}
