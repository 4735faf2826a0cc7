import { Injectable } from '@nestjs/common';
import {
  type AnalyticsSummary,
  type AnalyticsSummaryRequest,
  type GroupedAnalyticsSummary,
} from '@chargeflow/contracts';
import { InvalidCursorError, pageSize } from '@chargeflow/runtime';
import { isRankedAfter, noFigures, rankGroups, summaryOf, type RankedGroup } from '../domain/figures';
import { summaryScopeOf } from '../domain/query-scope';
import { ProjectionReader } from '../infrastructure/projection-reader';
import { RollupFiguresQuery, WHOLE } from '../infrastructure/rollup-figures.query';

/** The summary of a range, or with groupBy one summary per group, most energy first, in cursor pages. */
@Injectable()
export class SummarizeHandler {
  constructor(
    private readonly reader: ProjectionReader,
    private readonly figures: RollupFiguresQuery,
  ) {}

  async execute(request: AnalyticsSummaryRequest): Promise<AnalyticsSummary | GroupedAnalyticsSummary> {
    const scope = summaryScopeOf(request);
    const after = scope.groupBy ? groupPositionOf(request.cursor) : null;
    const [groups] = await this.reader.read((manager) => this.figures.figuresOf(manager, scope, [scope.span]));
    const [from, to] = [new Date(scope.span.start).toISOString(), new Date(scope.span.end).toISOString()];
    if (!scope.groupBy) return summaryOf(from, to, groups.get(WHOLE) ?? noFigures());

    const by = scope.groupBy;
    const limit = pageSize(request.limit);
    const ranked = rankGroups([groups]).filter((group) => !after || isRankedAfter(group, after));
    const page = ranked.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((group) => ({
        ...summaryOf(from, to, groups.get(group.id) ?? noFigures()),
        group: { by, id: group.id },
      })),
      nextCursor: ranked.length > limit && last ? encodeGroupPosition(last) : null,
    };
  }
}

function encodeGroupPosition(group: RankedGroup): string {
  return Buffer.from(JSON.stringify([group.energyWh, group.id])).toString('base64url');
}

function groupPositionOf(cursor: string | undefined): RankedGroup | null {
  if (!cursor) return null;
  try {
    const [energyWh, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof energyWh === 'string' && /^\d+(\.\d+)?$/.test(energyWh) && typeof id === 'string')
      return { energyWh, id };
  } catch {
    // not JSON: refused below like any other foreign cursor
  }
  throw new InvalidCursorError();
}
