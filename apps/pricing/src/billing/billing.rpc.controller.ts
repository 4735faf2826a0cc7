import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import {
  BillingBySessionRequest,
  BillingRpc,
  ListBillingRequest,
  SessionRpc,
  GetVerificationRequest,
  StatementRequest,
  VerifyBillingRequest,
  type BillingRecordView,
  type Page,
  type SessionView,
  type StatementView,
  type VerificationStarted,
  type VerificationView,
} from '@chargeflow/contracts';
import { currentCorrelation, RpcClient } from '@chargeflow/messaging';
import { decodeCursor, pageSize, toPage } from '@chargeflow/runtime';
import { BillingRecordNotFoundError, SessionNotFinalizedError } from './billing.errors';
import { BillingRepository, toBillingView } from './infrastructure/billing.repository';
import { statementOf } from './statement';
import { VerifyBillingHandler } from './verify-billing/verify-billing.handler';

@Controller()
export class BillingRpcController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly billing: BillingRepository,
    private readonly verifyBilling: VerifyBillingHandler,
    private readonly rpc: RpcClient,
  ) {}

  /** A session's record; without one, the sessions service tells an active session (409) from an unknown one (404). */
  @MessagePattern(BillingRpc.getBySession)
  async bySession(@Payload() request: BillingBySessionRequest): Promise<BillingRecordView> {
    const stored = await this.billing.find(this.dataSource.manager, request.sessionId);
    if (stored) return toBillingView(stored);
    const reply = await this.rpc.request<SessionView>(
      'sessions',
      SessionRpc.get,
      { sessionId: request.sessionId },
      {
        correlationId: currentCorrelation()?.correlationId ?? request.sessionId,
        timeoutMs: 3_000,
      },
    );
    if (reply.ok && reply.data.state === 'ACTIVE') throw new SessionNotFinalizedError(request.sessionId);
    throw new BillingRecordNotFoundError(request.sessionId);
  }

  @MessagePattern(BillingRpc.list)
  async list(@Payload() request: ListBillingRequest): Promise<Page<BillingRecordView>> {
    const limit = pageSize(request.limit);
    const rows = await this.billing.list(this.dataSource.manager, request, decodeCursor(request.cursor), limit);
    return toPage(rows, limit, (row) => ({ at: row.cursorAt, id: row.sessionId }), toBillingView);
  }

  /** One page of lines (oldest session first) with the whole period's totals. */
  @MessagePattern(BillingRpc.statement)
  async statement(@Payload() request: StatementRequest): Promise<StatementView> {
    const limit = pageSize(request.limit);
    const period = { from: new Date(request.from), to: new Date(request.to) };
    const rows = await this.billing.ofRider(
      this.dataSource.manager,
      request.riderId,
      period,
      decodeCursor(request.cursor),
      limit,
    );
    const page = toPage(
      rows,
      limit,
      (row) => ({ at: row.cursorAt, id: row.sessionId }),
      ({ cursorAt: _position, ...row }) => row,
    );
    return statementOf(request, page, await this.billing.riderTotals(this.dataSource.manager, request.riderId, period));
  }

  @MessagePattern(BillingRpc.startVerification)
  startVerification(@Payload() request: VerifyBillingRequest): Promise<VerificationStarted> {
    return this.verifyBilling.start(request);
  }

  @MessagePattern(BillingRpc.getVerification)
  verification(@Payload() request: GetVerificationRequest): Promise<VerificationView> {
    return this.verifyBilling.view(request.id);
  }
}
