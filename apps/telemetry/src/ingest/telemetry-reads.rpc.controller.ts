import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import {
  ListRejectionsRequest,
  ListSamplesRequest,
  TakenInAmongRequest,
  TakenInRequest,
  TelemetryRpc,
  type Page,
  type RejectionView,
  type SampleView,
  type TakenInAmongView,
  type TakenInView,
} from '@chargeflow/contracts';
import { decodeCursor, pageSize, toPage } from '@chargeflow/runtime';
import { TelemetryReadsRepository, toSampleView } from './infrastructure/telemetry-reads.repository';

@Controller()
export class TelemetryReadsRpcController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reads: TelemetryReadsRepository,
  ) {}

  /** A session's samples in emission order. */
  @MessagePattern(TelemetryRpc.listSamples)
  async samples(@Payload() request: ListSamplesRequest): Promise<Page<SampleView>> {
    const limit = pageSize(request.limit);
    const rows = await this.reads.samples(
      this.dataSource.manager,
      request.sessionId,
      decodeCursor(request.cursor),
      limit,
    );
    return toPage(rows, limit, (row) => ({ at: row.cursor_at, id: row.telemetry_id }), toSampleView);
  }

  /** Refused device messages, newest first, with their reason and original payload. */
  @MessagePattern(TelemetryRpc.listRejections)
  async rejections(@Payload() request: ListRejectionsRequest): Promise<Page<RejectionView>> {
    const limit = pageSize(request.limit);
    const rows = await this.reads.rejections(this.dataSource.manager, request, decodeCursor(request.cursor), limit);
    return toPage(
      rows,
      limit,
      (row) => ({ at: row.cursorAt, id: row.id }),
      ({ cursorAt: _position, ...row }) => ({ ...row, receivedAt: row.receivedAt.toISOString() }),
    );
  }

  /** Whether a sample of a session has been counted or refused: a charger's stop waits for its readings this way. */
  @MessagePattern(TelemetryRpc.takenIn)
  async takenIn(@Payload() request: TakenInRequest): Promise<TakenInView> {
    return { takenIn: await this.reads.takenIn(this.dataSource.manager, request.sessionId, request.telemetryId) };
  }

  /** The same for many samples at once: charges ending together ask one question per tick, not one each. */
  @MessagePattern(TelemetryRpc.takenInAmong)
  async takenInAmong(@Payload() request: TakenInAmongRequest): Promise<TakenInAmongView> {
    return { takenIn: await this.reads.takenInAmong(this.dataSource.manager, request.samples) };
  }
}
