import { randomUUID } from 'node:crypto';
import { cursorInstant, type Position } from '@chargeflow/runtime';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiKey } from './api-key';
import type { ApiRole } from './roles.decorator';

interface ApiKeyRow {
  id: string;
  name: string;
  role: ApiRole;
  vehicle_id: string | null;
  station_id: string | null;
  key_prefix: string;
  bootstrap: boolean;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export interface NewApiKey {
  name: string;
  role: ApiRole;
  vehicleId: string | null;
  stationId: string | null;
  keyHash: string;
  keyPrefix: string;
  expiresAt: Date | null;
}

/** Another active key already has this name. */
export class ApiKeyNameTakenError extends Error {
  constructor(readonly keyName: string) {
    super(`an active API key is already named "${keyName}"`);
    this.name = 'ApiKeyNameTakenError';
  }
}

const COLUMNS = 'id, name, role, vehicle_id, station_id, key_prefix, bootstrap, created_at, expires_at, revoked_at';
const BOOTSTRAP_KEY_NAME = 'bootstrap admin (CHARGEFLOW_ADMIN_KEY)';
/** Arbitrary constant: gateway instances starting together install the bootstrap key one at a time. */
const BOOTSTRAP_LOCK_KEY = 3_141_003;

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByHash(keyHash: string): Promise<ApiKey | null> {
    const rows: ApiKeyRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM api_key WHERE key_hash = $1`, [
      keyHash,
    ]);
    return rows.length > 0 ? toApiKey(rows[0]) : null;
  }

  async create(key: NewApiKey): Promise<ApiKey> {
    const rows: ApiKeyRow[] = await this.dataSource.query(
      `INSERT INTO api_key (id, name, role, vehicle_id, station_id, key_hash, key_prefix, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (name) WHERE revoked_at IS NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [randomUUID(), key.name, key.role, key.vehicleId, key.stationId, key.keyHash, key.keyPrefix, key.expiresAt],
    );
    if (rows.length === 0) throw new ApiKeyNameTakenError(key.name);
    return toApiKey(rows[0]);
  }

  /** Newest first, one more than `limit` to tell whether a next page exists; revoked keys only when asked for. */
  async list(page: {
    limit: number;
    after: Position | null;
    includeRevoked: boolean;
  }): Promise<(ApiKey & { cursorAt: string })[]> {
    const conditions = page.includeRevoked ? [] : ['revoked_at IS NULL'];
    const values: unknown[] = [page.limit + 1];
    if (page.after) {
      values.push(page.after.at, page.after.id);
      conditions.push('(created_at, id) < ($2, $3)');
    }
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS}, ${cursorInstant('created_at')} AS cursor_at FROM api_key
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $1`,
      values,
    )) as (ApiKeyRow & { cursor_at: string })[];
    return rows.map((row) => ({ ...toApiKey(row), cursorAt: row.cursor_at }));
  }

  /** Revokes the key (again: revoking twice keeps the first time); null when there is no such key. */
  async revoke(id: string): Promise<ApiKey | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    )) as [ApiKeyRow[], number];
    return rows.length > 0 ? toApiKey(rows[0]) : null;
  }

  /**
   * Makes the key from CHARGEFLOW_ADMIN_KEY an admin key and revokes any earlier bootstrap key, so
   * changing the variable replaces it. A bootstrap key someone revoked stays revoked.
   */
  async installBootstrapKey(keyHash: string, keyPrefix: string): Promise<'installed' | 'present' | 'revoked'> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock($1)`, [BOOTSTRAP_LOCK_KEY]);
      await manager.query(
        `UPDATE api_key SET revoked_at = now() WHERE bootstrap AND revoked_at IS NULL AND key_hash <> $1`,
        [keyHash],
      );
      const existing: { revoked: boolean }[] = await manager.query(
        `SELECT revoked_at IS NOT NULL AS revoked FROM api_key WHERE key_hash = $1`,
        [keyHash],
      );
      if (existing.length > 0) return existing[0].revoked ? 'revoked' : 'present';
      await manager.query(
        `INSERT INTO api_key (id, name, role, key_hash, key_prefix, bootstrap) VALUES ($1, $2, 'admin', $3, $4, true)`,
        [randomUUID(), BOOTSTRAP_KEY_NAME, keyHash, keyPrefix],
      );
      return 'installed';
    });
  }
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    vehicleId: row.vehicle_id,
    stationId: row.station_id,
    keyPrefix: row.key_prefix,
    bootstrap: row.bootstrap,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
