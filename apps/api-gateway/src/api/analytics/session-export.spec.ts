import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AnalyticsSessionRow, Page } from '@chargeflow/contracts';
import { exportFormatOf, ExportFormats, exportStream, SESSION_COLUMNS, type ExportFormat } from './session-export';

const aSessionRow = (overrides: Partial<AnalyticsSessionRow> = {}): AnalyticsSessionRow => ({
  sessionId: '9a1c3e5f-7b2d-4c6e-8f1a-3b5d7c9e2a4f',
  kind: 'CHARGING',
  vehicleId: '7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77',
  riderId: null,
  stationId: '5c2a9e7f-3b1d-4f6a-8e2c-7d9b1a3c5e4f',
  startedAt: '2026-11-22T18:30:00.000Z',
  endedAt: '2026-11-22T20:00:00.000Z',
  durationS: 5400,
  energyWh: '22500.000',
  distanceM: '0.000',
  billingStatus: 'PRICED',
  billingRevision: 2,
  currency: 'EUR',
  totalExclVat: '7.88',
  totalVat: '1.50',
  totalInclVat: '9.38',
  ...overrides,
});

/**
 * An export of `pages` pages of `rows` rows each, as the analytics service pages it: the cursor names
 * the next page. It records every page asked for, and how many requests were ever in flight at once.
 */
function pagedExport(pages: number, rows: number, failAt?: number, padding = '') {
  const log = { requested: [] as number[], inFlight: 0, mostInFlight: 0 };
  const pageOf = (index: number): Page<AnalyticsSessionRow> => ({
    items: Array.from({ length: rows }, (_, row) =>
      aSessionRow({ sessionId: `page-${index}-row-${row}`, vehicleId: padding }),
    ),
    nextCursor: index + 1 < pages ? String(index + 1) : null,
  });
  const nextPage = async (cursor: string) => {
    const index = Number(cursor);
    log.requested.push(index);
    log.inFlight += 1;
    log.mostInFlight = Math.max(log.mostInFlight, log.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    log.inFlight -= 1;
    if (index === failAt) throw new Error(`page ${index} failed`);
    return pageOf(index);
  };
  return { log, stream: (format: ExportFormat) => exportStream(format, pageOf(0), nextPage) };
}

async function textOf(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe('the sessions export', () => {
  it('writes CSV per RFC 4180: a header row, CRLF line ends, quoted fields with doubled quotes, null as empty', async () => {
    const tricky = aSessionRow({
      sessionId: 'a,b',
      vehicleId: 'bike "7"',
      stationId: 'line\nbreak',
      riderId: 'carriage\rreturn',
      billingStatus: null,
      billingRevision: null,
      currency: null,
      totalExclVat: null,
      totalVat: null,
      totalInclVat: null,
    });
    const text = await textOf(
      exportStream(ExportFormats.csv, { items: [tricky, aSessionRow()], nextCursor: null }, jest.fn()),
    );
    expect(text.split('\r\n')).toEqual([
      'sessionId,kind,vehicleId,riderId,stationId,startedAt,endedAt,durationS,energyWh,distanceM,billingStatus,billingRevision,currency,totalExclVat,totalVat,totalInclVat',
      '"a,b",CHARGING,"bike ""7""","carriage\rreturn","line\nbreak",2026-11-22T18:30:00.000Z,2026-11-22T20:00:00.000Z,5400,22500.000,0.000,,,,,,',
      '9a1c3e5f-7b2d-4c6e-8f1a-3b5d7c9e2a4f,CHARGING,7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77,,5c2a9e7f-3b1d-4f6a-8e2c-7d9b1a3c5e4f,2026-11-22T18:30:00.000Z,2026-11-22T20:00:00.000Z,5400,22500.000,0.000,PRICED,2,EUR,7.88,1.50,9.38',
      '',
    ]);
  });

  it('writes NDJSON: one object per line, the row fields in their order', async () => {
    const rows = [aSessionRow({ vehicleId: 'bike "7",\n2' }), aSessionRow({ billingStatus: null, currency: null })];
    const text = await textOf(exportStream(ExportFormats.ndjson, { items: rows, nextCursor: null }, jest.fn()));
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(rows);
    for (const line of lines) expect(Object.keys(JSON.parse(line) as object)).toEqual(SESSION_COLUMNS);
  });

  it('streams what Accept prefers, and JSON pages otherwise', () => {
    expect(exportFormatOf('text/csv')).toBe(ExportFormats.csv);
    expect(exportFormatOf('application/x-ndjson')).toBe(ExportFormats.ndjson);
    expect(exportFormatOf('text/html, text/csv;q=0.9, application/json;q=0.5')).toBe(ExportFormats.csv);
    expect(exportFormatOf('application/json, text/csv')).toBeNull();
    expect(exportFormatOf('text/csv;q=0.2, application/x-ndjson;q=0.8')).toBe(ExportFormats.ndjson);
    expect(exportFormatOf('text/csv;q=0')).toBeNull();
    expect(exportFormatOf('*/*')).toBeNull();
    expect(exportFormatOf('constructor, toString')).toBeNull();
    expect(exportFormatOf(undefined)).toBeNull();
  });

  it('asks for each next page only as the reader takes the previous one, one request at a time', async () => {
    const { log, stream } = pagedExport(20, 1_000);
    const reader = stream(ExportFormats.csv);
    const taken: string[] = [];
    for await (const chunk of reader) {
      taken.push(String(chunk));
      await new Promise((resolve) => setTimeout(resolve, 5));
      // Page 0 came with the request; the reader holds taken.length pages, the stream at most one more.
      expect(log.requested.length).toBeLessThanOrEqual(taken.length);
    }
    expect(log.requested).toEqual(Array.from({ length: 19 }, (_, index) => index + 1));
    expect(log.mostInFlight).toBe(1);
    const rows = taken.join('').split('\r\n').slice(1, -1);
    expect(rows).toHaveLength(20_000);
    expect(rows[19_999]).toMatch(/^page-19-row-999,/);
  });

  it('errors after the pages before a failed one, and asks for nothing after it', async () => {
    const { log, stream } = pagedExport(20, 10, 3);
    const taken: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream(ExportFormats.ndjson)) taken.push(String(chunk));
      })(),
    ).rejects.toThrow('page 3 failed');
    expect(log.requested).toEqual([1, 2, 3]);
    expect(taken.join('').trim().split('\n')).toHaveLength(30);
  });

  describe('sent as a Fastify reply, as the gateway sends it', () => {
    let server: FastifyInstance;
    let url: string;
    let current: ReturnType<typeof pagedExport>;

    beforeAll(async () => {
      server = Fastify();
      server.get('/export', (_request, reply) =>
        reply.header('content-type', ExportFormats.csv.contentType).send(current.stream(ExportFormats.csv)),
      );
      await server.listen({ port: 0, host: '127.0.0.1' });
      url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/export`;
    });

    afterAll(async () => {
      await server.close();
    });

    it('holds back while the client does not read: 20 pages of 1,000 rows are not all asked for at once', async () => {
      // 2 MB a page, so the socket buffers of the loopback interface hold a few pages at most.
      current = pagedExport(20, 1_000, undefined, 'x'.repeat(2_000));
      const response = await new Promise<IncomingMessage>((resolve) => httpRequest(url, resolve).end());
      response.pause();
      let settled = -1;
      while (settled !== current.log.requested.length) {
        settled = current.log.requested.length;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // What the socket buffers hold; 2 pages here, the bound leaves room for larger buffers.
      expect(current.log.requested.length).toBeLessThanOrEqual(6);
      const text = await textOf(response);
      expect(current.log.requested).toHaveLength(19);
      expect(current.log.mostInFlight).toBe(1);
      expect(text.split('\r\n').slice(1, -1)).toHaveLength(20_000);
    });

    it('cuts the response short when a page fails: the client sees a transfer error, not an end', async () => {
      current = pagedExport(20, 10, 3);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      await expect(response.text()).rejects.toThrow('terminated');
      expect(current.log.requested).toEqual([1, 2, 3]);
    });
  });
});
