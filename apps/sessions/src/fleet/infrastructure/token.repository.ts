import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '@chargeflow/messaging';
import type { TokenView } from '@chargeflow/contracts';
import { cursorInstant, type Position } from '@chargeflow/runtime';

interface TokenRow {
  id: string;
  riderId: string;
  vehicleId: string;
  idTag: string;
  revokedAt: Date | null;
  createdAt: Date;
}

const TOKEN_COLUMNS = `id, rider_id AS "riderId", vehicle_id AS "vehicleId", id_tag AS "idTag", revoked_at AS "revokedAt",
  created_at AS "createdAt"`;
const TOKEN = `SELECT ${TOKEN_COLUMNS} FROM rider_token`;

/** Riders' tokens (OCPP idTags); an idTag is unique case-insensitively, revoked ones included. */
@Injectable()
export class TokenRepository {
  /** False when the idTag is taken: the unique index on lower(id_tag) decides. */
  async insert(
    manager: EntityManager,
    token: { id: string; riderId: string; vehicleId: string; idTag: string },
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO rider_token (id, rider_id, vehicle_id, id_tag) VALUES ($1, $2, $3, $4)
       ON CONFLICT ((lower(id_tag))) DO NOTHING RETURNING 1`,
      [token.id, token.riderId, token.vehicleId, token.idTag],
    );
    return rows.length > 0;
  }

  async byId(manager: EntityManager, riderId: string, tokenId: string): Promise<TokenRow | null> {
    const [row] = (await manager.query(`${TOKEN} WHERE id = $1 AND rider_id = $2`, [tokenId, riderId])) as TokenRow[];
    return row ?? null;
  }

  async byIdTag(manager: EntityManager, idTag: string): Promise<TokenRow | null> {
    const [row] = (await runPrepared(manager, {
      text: `${TOKEN} WHERE lower(id_tag) = lower($1)`,
      values: [idTag],
    })) as TokenRow[];
    return row ?? null;
  }

  /** Revokes once: the first revocation's time stays. */
  async revoke(manager: EntityManager, riderId: string, tokenId: string): Promise<void> {
    await manager.query(
      `UPDATE rider_token SET revoked_at = now() WHERE id = $1 AND rider_id = $2 AND revoked_at IS NULL`,
      [tokenId, riderId],
    );
  }

  /** A rider's tokens, newest first, one more than `limit`, each with its position's instant to the microsecond. */
  async ofRider(
    manager: EntityManager,
    riderId: string,
    after: Position | null,
    limit: number,
  ): Promise<(TokenRow & { cursorAt: string })[]> {
    const where = after ? 'AND (created_at, id) < ($2, $3)' : '';
    const values = after ? [riderId, after.at, after.id] : [riderId];
    return manager.query(
      `SELECT ${TOKEN_COLUMNS}, ${cursorInstant('created_at')} AS "cursorAt" FROM rider_token
        WHERE rider_id = $1 ${where} ORDER BY created_at DESC, id DESC LIMIT $${values.length + 1}`,
      [...values, limit + 1],
    );
  }
}

export function toTokenView(row: TokenRow): TokenView {
  return { ...row, revokedAt: row.revokedAt?.toISOString() ?? null, createdAt: row.createdAt.toISOString() };
}
