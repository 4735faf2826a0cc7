import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface TransactionStart {
  chargePointId: string;
  connectorId: number;
  idTag: string;
  meterStartWh: string;
  startedAt: Date;
}

export interface TransactionRecord extends TransactionStart {
  transactionId: number;
  sessionId: string;
  stationId: string;
  stoppedAt: Date | null;
}

export interface TransactionStop {
  transactionId: number;
  meterStopWh: string;
  stoppedAt: Date;
  reason: string | null;
  /** The stop's own reading (meterStop): with the start's reading, the two ends of the charge's energy. */
  lastTelemetryId: string | null;
}

/** A stopped transaction whose charge is still to be ended, and how many attempts that has taken. */
export interface StoppedCharge {
  transactionId: number;
  chargePointId: string;
  sessionId: string;
  /** The start's instant: its reading (meterStart) is the charge's first. */
  startedAt: Date;
  lastTelemetryId: string | null;
  attempts: number;
}

const STOPPED_CHARGE_COLUMNS = `transaction_id AS "transactionId", charge_point_id AS "chargePointId",
  session_id AS "sessionId", started_at AS "startedAt", last_telemetry_id AS "lastTelemetryId",
  end_attempts AS "attempts"`;
const TRANSACTION_COLUMNS = `transaction_id AS "transactionId", charge_point_id AS "chargePointId", connector_id AS "connectorId",
  id_tag AS "idTag", meter_start_wh::text AS "meterStartWh", started_at AS "startedAt", session_id AS "sessionId",
  station_id AS "stationId", stopped_at AS "stoppedAt"`;
const TRANSACTION = `SELECT ${TRANSACTION_COLUMNS} FROM ocpp_transaction`;

/** Transactions kept in memory for MeterValues: a thousand charge points send one each a second. */
const KNOWN_TRANSACTIONS = 10_000;

/** OCPP transactions ↔ charging sessions, in the central-system's database. */
@Injectable()
export class TransactionRepository {
  /**
   * Transactions found before, by charge point and id, the least recently used first out. What a
   * reading needs of one (its session, station and start) never changes once recorded, and a row is
   * never deleted, so any instance may keep it.
   */
  private readonly known = new Map<string, TransactionRecord>();

  constructor(private readonly dataSource: DataSource) {}

  /** The transaction this exact start already opened, if any (a retried StartTransaction). */
  async findStart(start: TransactionStart): Promise<TransactionRecord | null> {
    const [row] = (await this.dataSource.query(
      `${TRANSACTION} WHERE charge_point_id = $1 AND connector_id = $2 AND lower(id_tag) = lower($3)
         AND meter_start_wh = $4 AND started_at = $5`,
      [start.chargePointId, start.connectorId, start.idTag, start.meterStartWh, start.startedAt],
    )) as TransactionRecord[];
    return row ?? null;
  }

  /** Records a start; when the same start raced it in, the unique index keeps one and both get it. */
  async insert(start: TransactionStart, sessionId: string, stationId: string): Promise<TransactionRecord> {
    const [inserted] = (await this.dataSource.query(
      `INSERT INTO ocpp_transaction (charge_point_id, connector_id, id_tag, meter_start_wh, started_at, session_id, station_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
       RETURNING ${TRANSACTION_COLUMNS}`,
      [start.chargePointId, start.connectorId, start.idTag, start.meterStartWh, start.startedAt, sessionId, stationId],
    )) as TransactionRecord[];
    return inserted ?? ((await this.findStart(start)) as TransactionRecord);
  }

  /**
   * A charge point's transaction, to attribute its readings: another charge point's id is unknown to
   * it. From memory when seen before, so `stoppedAt` may be stale: read it with `bySession`.
   */
  async find(chargePointId: string, transactionId: number): Promise<TransactionRecord | null> {
    if (!Number.isSafeInteger(transactionId) || transactionId <= 0 || transactionId > 2_147_483_647) return null;
    const key = `${chargePointId}\n${transactionId}`;
    const known = this.known.get(key);
    if (known) {
      this.known.delete(key);
      this.known.set(key, known);
      return known;
    }
    const [row] = (await this.dataSource.query(`${TRANSACTION} WHERE transaction_id = $1 AND charge_point_id = $2`, [
      transactionId,
      chargePointId,
    ])) as TransactionRecord[];
    if (!row) return null;
    this.known.set(key, row);
    if (this.known.size > KNOWN_TRANSACTIONS) this.known.delete(this.known.keys().next().value as string);
    return row;
  }

  async bySession(sessionId: string): Promise<TransactionRecord | null> {
    const [row] = (await this.dataSource.query(`${TRANSACTION} WHERE session_id = $1`, [
      sessionId,
    ])) as TransactionRecord[];
    return row ?? null;
  }

  /**
   * Records the first stop with its own reading (one of the two its charge's end waits for), and
   * holds that end for the attempt the caller starts now: due again after `leaseMs` unless that
   * attempt settles it first. A retried StopTransaction leaves the row as it was: null.
   */
  async recordStop(stop: TransactionStop, leaseMs: number): Promise<StoppedCharge | null> {
    // An UPDATE through TypeORM answers [rows, count].
    const [[stopped]] = (await this.dataSource.query(
      `UPDATE ocpp_transaction SET stopped_at = $2, meter_stop_wh = $3, stop_reason = $4, last_telemetry_id = $5,
              end_due_at = now() + $6 * interval '1 millisecond', end_attempts = 1
        WHERE transaction_id = $1 AND stopped_at IS NULL
       RETURNING ${STOPPED_CHARGE_COLUMNS}`,
      [stop.transactionId, stop.stoppedAt, stop.meterStopWh, stop.reason, stop.lastTelemetryId, leaseMs],
    )) as [StoppedCharge[], number];
    return stopped ?? null;
  }

  /**
   * Up to `limit` charges whose end is due (its last attempt failed, or the instance making it died),
   * each held for `leaseMs` from now; another instance's sweep skips them meanwhile.
   */
  async claimDueEnds(leaseMs: number, limit: number): Promise<StoppedCharge[]> {
    const [claimed] = (await this.dataSource.query(
      `UPDATE ocpp_transaction SET end_due_at = now() + $1 * interval '1 millisecond', end_attempts = end_attempts + 1
        WHERE transaction_id IN (SELECT transaction_id FROM ocpp_transaction WHERE end_due_at <= now()
                                  ORDER BY end_due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING ${STOPPED_CHARGE_COLUMNS}`,
      [leaseMs, limit],
    )) as [StoppedCharge[], number];
    return claimed;
  }

  /**
   * The stopped transaction whose charge is the session `sessionId`, unless its end is known settled
   * (ended, or refused for good); a stop recorded before ends were kept (no end due) counts too.
   */
  async unendedCharge(sessionId: string): Promise<StoppedCharge | null> {
    const [charge] = (await this.dataSource.query(
      `SELECT ${STOPPED_CHARGE_COLUMNS} FROM ocpp_transaction
        WHERE session_id = $1 AND stopped_at IS NOT NULL AND ended_at IS NULL AND end_refused IS NULL`,
      [sessionId],
    )) as StoppedCharge[];
    return charge ?? null;
  }

  /**
   * A stop recorded before ends were kept, retried by its charge point: its end, held for the attempt
   * the caller starts now (null for any other transaction).
   */
  async holdUnscheduledEnd(transactionId: number, leaseMs: number): Promise<StoppedCharge | null> {
    const [[charge]] = (await this.dataSource.query(
      `UPDATE ocpp_transaction SET end_due_at = now() + $2 * interval '1 millisecond', end_attempts = end_attempts + 1
        WHERE transaction_id = $1 AND stopped_at IS NOT NULL AND ended_at IS NULL AND end_refused IS NULL
          AND end_due_at IS NULL
       RETURNING ${STOPPED_CHARGE_COLUMNS}`,
      [transactionId, leaseMs],
    )) as [StoppedCharge[], number];
    return charge ?? null;
  }

  /** The charge ended (or had been ended before): nothing more to do. */
  async recordEnded(transactionId: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE ocpp_transaction SET ended_at = now(), end_due_at = NULL WHERE transaction_id = $1 AND ended_at IS NULL`,
      [transactionId],
    );
  }

  /** The attempt failed in passing: the next one is due in `delayMs`. */
  async postponeEnd(transactionId: number, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE ocpp_transaction SET end_due_at = now() + $2 * interval '1 millisecond'
        WHERE transaction_id = $1 AND end_due_at IS NOT NULL`,
      [transactionId, delayMs],
    );
  }

  /** The sessions service refused to end the charge, and would again: no more attempts, the reason kept. */
  async recordEndRefused(transactionId: number, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ocpp_transaction SET end_due_at = NULL, end_refused = $2 WHERE transaction_id = $1 AND end_due_at IS NOT NULL`,
      [transactionId, reason],
    );
  }
}
