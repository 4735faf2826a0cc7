import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SessionKind, TariffVersionSummary, TariffView } from '@chargeflow/contracts';
import { cursorInstant, type Position } from '@chargeflow/runtime';

interface VersionRow {
  tariff_id: string;
  version: number;
  effective_from: Date;
  published_at: Date;
  document: Record<string, unknown>;
  applies_kind: SessionKind;
  applies_station_id: string | null;
}

const VERSION = `SELECT v.tariff_id, v.version, v.effective_from, v.published_at, v.document, t.applies_kind, t.applies_station_id
  FROM tariff_version v JOIN tariff t ON t.id = v.tariff_id`;

export interface TariffVersionRecord {
  id: string;
  version: number;
  effectiveFrom: Date;
  publishedAt: Date;
  document: Record<string, unknown>;
  appliesTo: { kind: SessionKind; stationId?: string };
}

function toRecord(row: VersionRow): TariffVersionRecord {
  return {
    id: row.tariff_id,
    version: row.version,
    effectiveFrom: row.effective_from,
    publishedAt: row.published_at,
    document: row.document,
    appliesTo: { kind: row.applies_kind, ...(row.applies_station_id ? { stationId: row.applies_station_id } : {}) },
  };
}

export function toTariffView(record: TariffVersionRecord, versions: TariffVersionSummary[]): TariffView {
  return {
    id: record.id,
    version: record.version,
    effectiveFrom: record.effectiveFrom.toISOString(),
    publishedAt: record.publishedAt.toISOString(),
    appliesTo: record.appliesTo,
    document: record.document,
    versions,
  };
}

/** Tariffs and their immutable versions in the pricing database. */
@Injectable()
export class TariffRepository {
  /** Creates the tariff of a target; resolves false when the target already has one. */
  async createTariff(
    manager: EntityManager,
    id: string,
    appliesTo: { kind: SessionKind; stationId?: string },
  ): Promise<boolean> {
    const created = (await manager.query(
      `INSERT INTO tariff (id, applies_kind, applies_station_id) VALUES ($1, $2, $3) ON CONFLICT ON CONSTRAINT tariff_one_per_target DO NOTHING RETURNING id`,
      [id, appliesTo.kind, appliesTo.stationId ?? null],
    )) as unknown[];
    return created.length === 1;
  }

  async tariffOf(manager: EntityManager, appliesTo: { kind: SessionKind; stationId?: string }): Promise<string | null> {
    const [row] = (await manager.query(
      `SELECT id FROM tariff WHERE applies_kind = $1 AND applies_station_id IS NOT DISTINCT FROM $2`,
      [appliesTo.kind, appliesTo.stationId ?? null],
    )) as { id: string }[];
    return row?.id ?? null;
  }

  /** The latest version, holding the tariff's row so that versions are numbered one at a time. */
  async lockLatest(manager: EntityManager, id: string): Promise<TariffVersionRecord | null> {
    const locked = (await manager.query(`SELECT id FROM tariff WHERE id = $1 FOR UPDATE`, [id])) as unknown[];
    if (locked.length === 0) return null;
    const [row] = (await manager.query(`${VERSION} WHERE v.tariff_id = $1 ORDER BY v.version DESC LIMIT 1`, [
      id,
    ])) as VersionRow[];
    return row ? toRecord(row) : null;
  }

  async insertVersion(
    manager: EntityManager,
    version: { id: string; version: number; effectiveFrom: Date; document: object },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO tariff_version (tariff_id, version, effective_from, document) VALUES ($1, $2, $3, $4)`,
      [version.id, version.version, version.effectiveFrom, JSON.stringify(version.document)],
    );
  }

  /** The version in force at `at`: the latest one whose effectiveFrom is not after it. */
  async inForce(manager: EntityManager, id: string, at: Date): Promise<TariffVersionRecord | null> {
    const [row] = (await manager.query(
      `${VERSION} WHERE v.tariff_id = $1 AND v.effective_from <= $2 ORDER BY v.version DESC LIMIT 1`,
      [id, at],
    )) as VersionRow[];
    return row ? toRecord(row) : null;
  }

  /**
   * The version that prices a session: for a charge, its station's tariff when one is in force at the
   * session's start, else the default tariff of the session's kind.
   */
  async applicable(
    manager: EntityManager,
    kind: SessionKind,
    stationId: string | null,
    startedAt: Date,
  ): Promise<TariffVersionRecord | null> {
    const [row] = (await manager.query(
      `${VERSION} WHERE t.applies_kind = $1 AND (t.applies_station_id IS NULL OR t.applies_station_id = $2) AND v.effective_from <= $3
       ORDER BY t.applies_station_id NULLS LAST, v.version DESC LIMIT 1`,
      [kind, stationId, startedAt],
    )) as VersionRow[];
    return row ? toRecord(row) : null;
  }

  async version(manager: EntityManager, id: string, version: number): Promise<TariffVersionRecord | null> {
    const [row] = (await manager.query(`${VERSION} WHERE v.tariff_id = $1 AND v.version = $2`, [
      id,
      version,
    ])) as VersionRow[];
    return row ? toRecord(row) : null;
  }

  async latest(manager: EntityManager, id: string): Promise<TariffVersionRecord | null> {
    const [row] = (await manager.query(`${VERSION} WHERE v.tariff_id = $1 ORDER BY v.version DESC LIMIT 1`, [
      id,
    ])) as VersionRow[];
    return row ? toRecord(row) : null;
  }

  async versions(manager: EntityManager, id: string): Promise<TariffVersionSummary[]> {
    const rows = (await manager.query(
      `SELECT version, effective_from, published_at FROM tariff_version WHERE tariff_id = $1 ORDER BY version`,
      [id],
    )) as {
      version: number;
      effective_from: Date;
      published_at: Date;
    }[];
    return rows.map((row) => ({
      version: row.version,
      effectiveFrom: row.effective_from.toISOString(),
      publishedAt: row.published_at.toISOString(),
    }));
  }

  /** Tariffs at their latest version, newest tariff first. */
  async list(
    manager: EntityManager,
    after: Position | null,
    limit: number,
  ): Promise<(TariffVersionRecord & { cursorAt: string })[]> {
    const values: unknown[] = after ? [after.at, after.id] : [];
    const rows = (await manager.query(
      `SELECT DISTINCT ON (t.created_at, t.id) v.tariff_id, v.version, v.effective_from, v.published_at, v.document, t.applies_kind,
         t.applies_station_id, ${cursorInstant('t.created_at')} AS cursor_at
       FROM tariff t JOIN tariff_version v ON v.tariff_id = t.id
       ${after ? 'WHERE (t.created_at, t.id) < ($1, $2)' : ''}
       ORDER BY t.created_at DESC, t.id DESC, v.version DESC LIMIT $${values.length + 1}`,
      [...values, limit + 1],
    )) as (VersionRow & { cursor_at: string })[];
    return rows.map((row) => ({ ...toRecord(row), cursorAt: row.cursor_at }));
  }
}
