import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ListSessionsRequest, Page, SessionView } from '@chargeflow/contracts';
import { decodeCursor, pageSize, toPage } from '@chargeflow/runtime';
import { SessionNotFoundError } from '../domain/session.errors';
import { TypeOrmSessionRepository } from '../infrastructure/typeorm-session.repository';
import { toSessionView } from '../session.view';

/** Reads sessions: one by id, or a filtered page, newest first. */
@Injectable()
export class QuerySessionsHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: TypeOrmSessionRepository,
  ) {}

  async get(sessionId: string): Promise<SessionView> {
    const session = await this.sessions.findById(this.dataSource.manager, sessionId);
    if (!session) throw new SessionNotFoundError(sessionId);
    return toSessionView(session);
  }

  async list(request: ListSessionsRequest): Promise<Page<SessionView>> {
    const limit = pageSize(request.limit);
    const rows = await this.sessions.list(this.dataSource.manager, request, decodeCursor(request.cursor), limit);
    return toPage(rows, limit, (row) => ({ at: row.cursorAt, id: row.id }), toSessionView);
  }
}
