import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { ChargePointRpc, SearchOcppLogRequest, type OcppFrameView, type Page } from '@chargeflow/contracts';
import { cursorInstant, decodeCursor, pageSize, toPage } from '@chargeflow/runtime';

interface FrameRow extends Omit<OcppFrameView, 'at'> {
  at: Date;
  cursorAt: string;
}

/** `%` and `_` in a search are the characters themselves, not patterns. */
const literal = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/** The statement that searches the protocol log for `request`, fetching one frame beyond `limit`. */
export function protocolLogSearch(request: SearchOcppLogRequest, limit: number): { sql: string; values: unknown[] } {
  const after = decodeCursor(request.cursor);
  const conditions: string[] = [];
  const values: unknown[] = [];
  const where = (sql: (placeholder: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(`$${values.length}`));
  };
  if (request.chargePointId) where((p) => `charge_point_id = ${p}`, request.chargePointId);
  if (request.action) where((p) => `action = ${p}`, request.action);
  if (request.transactionId) where((p) => `transaction_id = ${p}`, request.transactionId);
  if (request.from) where((p) => `at >= ${p}`, request.from);
  if (request.to) where((p) => `at < ${p}`, request.to);
  if (request.q) where((p) => `payload ILIKE ${p}`, `%${literal(request.q)}%`);
  if (after) {
    values.push(after.at, after.id);
    conditions.push(`(at, frame_id) < ($${values.length - 1}, $${values.length})`);
  }
  values.push(limit + 1);
  return {
    sql: `SELECT frame_id AS "frameId", charge_point_id AS "chargePointId", direction, message_type AS "messageType",
         message_id AS "messageId", action, transaction_id AS "transactionId", at, payload, error,
         ${cursorInstant('at')} AS "cursorAt"
       FROM ocpp_frame ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY at DESC, frame_id DESC LIMIT $${values.length}`,
    values,
  };
}

/** Searches the protocol log: newest first, in cursor pages of at most MAX_PAGE_SIZE frames. */
@Controller()
export class ProtocolLogRpcController {
  constructor(private readonly dataSource: DataSource) {}

  @MessagePattern(ChargePointRpc.searchLog)
  async search(@Payload() request: SearchOcppLogRequest): Promise<Page<OcppFrameView>> {
    const limit = pageSize(request.limit);
    const { sql, values } = protocolLogSearch(request, limit);
    const rows: FrameRow[] = await this.dataSource.query(sql, values);
    return toPage(
      rows,
      limit,
      (row) => ({ at: row.cursorAt, id: row.frameId }),
      ({ cursorAt: _position, ...row }) => ({ ...row, at: row.at.toISOString() }),
    );
  }
}
