import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { cursorInstant, type Position } from '@chargeflow/runtime';

export interface DeviceCredential {
  id: string;
  username: string;
  vehicleId: string | null;
  stationId: string | null;
  createdAt: Date;
}

interface DeviceCredentialRow {
  id: string;
  username: string;
  vehicle_id: string | null;
  station_id: string | null;
  created_at: Date;
}

const COLUMNS = 'id, username, vehicle_id, station_id, created_at';

const toCredential = (row: DeviceCredentialRow): DeviceCredential => ({
  id: row.id,
  username: row.username,
  vehicleId: row.vehicle_id,
  stationId: row.station_id,
  createdAt: row.created_at,
});

/** The gateway's list of the device users it created on the broker. */
@Injectable()
export class DeviceCredentialRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records the credential; null when the username is taken (the device has credentials already). */
  async insert(credential: Omit<DeviceCredential, 'createdAt'>): Promise<DeviceCredential | null> {
    const rows = (await this.dataSource.query(
      `INSERT INTO device_credential (id, username, vehicle_id, station_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
      [credential.id, credential.username, credential.vehicleId, credential.stationId],
    )) as DeviceCredentialRow[];
    return rows.length > 0 ? toCredential(rows[0]) : null;
  }

  async find(id: string): Promise<DeviceCredential | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM device_credential WHERE id = $1`, [
      id,
    ])) as DeviceCredentialRow[];
    return rows.length > 0 ? toCredential(rows[0]) : null;
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM device_credential WHERE id = $1`, [id]);
  }

  /** Newest first, one more than `limit` to tell whether a next page exists. */
  /** Newest first, one more than `limit`, each with its position's instant to the microsecond. */
  async list(page: { limit: number; after: Position | null }): Promise<(DeviceCredential & { cursorAt: string })[]> {
    const values: unknown[] = [page.limit + 1];
    let where = '';
    if (page.after) {
      values.push(page.after.at, page.after.id);
      where = 'WHERE (created_at, id) < ($2, $3)';
    }
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS}, ${cursorInstant('created_at')} AS cursor_at FROM device_credential ${where}
        ORDER BY created_at DESC, id DESC LIMIT $1`,
      values,
    )) as (DeviceCredentialRow & { cursor_at: string })[];
    return rows.map((row) => ({ ...toCredential(row), cursorAt: row.cursor_at }));
  }
}
