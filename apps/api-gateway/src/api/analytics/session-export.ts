import { Readable } from 'node:stream';
import type { AnalyticsSessionRow, Page } from '@chargeflow/contracts';

/** The rows of one export request: each page is its own RPC, with its own deadline. */
export const EXPORT_PAGE_SIZE = 1_000;

// A Record, so the compiler checks that every field of a row is a column, each once.
const COLUMN_ORDER: Record<keyof AnalyticsSessionRow, true> = {
  sessionId: true,
  kind: true,
  vehicleId: true,
  riderId: true,
  stationId: true,
  startedAt: true,
  endedAt: true,
  durationS: true,
  energyWh: true,
  distanceM: true,
  billingStatus: true,
  billingRevision: true,
  currency: true,
  totalExclVat: true,
  totalVat: true,
  totalInclVat: true,
};

/** The fields of AnalyticsSessionRow in its order: the CSV columns, and the keys of each NDJSON line. */
export const SESSION_COLUMNS = Object.keys(COLUMN_ORDER) as (keyof AnalyticsSessionRow)[];

export interface ExportFormat {
  contentType: string;
  /** What precedes the first row. */
  header: string;
  rows(rows: AnalyticsSessionRow[]): string;
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled; null is an empty field. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvLine = (fields: (string | number | null)[]) => `${fields.map(csvField).join(',')}\r\n`;

export const ExportFormats = {
  csv: {
    contentType: 'text/csv; charset=utf-8; header=present',
    header: csvLine(SESSION_COLUMNS),
    rows: (rows) => rows.map((row) => csvLine(SESSION_COLUMNS.map((column) => row[column]))).join(''),
  },
  ndjson: {
    contentType: 'application/x-ndjson',
    header: '',
    rows: (rows) =>
      rows
        .map((row) => `${JSON.stringify(Object.fromEntries(SESSION_COLUMNS.map((column) => [column, row[column]])))}\n`)
        .join(''),
  },
} as const satisfies Record<string, ExportFormat>;

const MEDIA_TYPES = new Map<string, ExportFormat | null>([
  ['text/csv', ExportFormats.csv],
  ['application/x-ndjson', ExportFormats.ndjson],
  ['application/json', null],
  ['application/*', null],
  ['*/*', null],
]);

/** The export an Accept header prefers (highest q, then first listed), or null for JSON pages. */
export function exportFormatOf(accept: string | undefined): ExportFormat | null {
  const ranges = (accept ?? '')
    .split(',')
    .map((range) => {
      const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
      const q = parameters.find((parameter) => parameter.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)) };
    })
    .filter((range) => range.q > 0 && MEDIA_TYPES.has(range.type))
    .sort((a, b) => b.q - a.q);
  return ranges.length > 0 ? (MEDIA_TYPES.get(ranges[0].type) ?? null) : null;
}

/**
 * The export's text, page by page: the first page (already read, so a failure there is still a problem
 * answer), then each next page, requested only once the previous one has been taken by the reader.
 * A failed page throws: the stream errors and the response is cut short.
 */
async function* exportText(
  format: ExportFormat,
  first: Page<AnalyticsSessionRow>,
  nextPage: (cursor: string) => Promise<Page<AnalyticsSessionRow>>,
): AsyncGenerator<string> {
  yield format.header + format.rows(first.items);
  let cursor = first.nextCursor;
  while (cursor !== null) {
    const page = await nextPage(cursor);
    yield format.rows(page.items);
    cursor = page.nextCursor;
  }
}

/** The export as bytes: it asks for the next page only when less than 16 KiB of text waits unwritten. */
export function exportStream(
  format: ExportFormat,
  first: Page<AnalyticsSessionRow>,
  nextPage: (cursor: string) => Promise<Page<AnalyticsSessionRow>>,
): Readable {
  return Readable.from(exportText(format, first, nextPage), { objectMode: false, highWaterMark: 16 * 1024 });
}
