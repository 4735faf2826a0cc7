import type { FrameDirection } from '@chargeflow/contracts';

/** What the protocol log can read from one raw frame; a frame that is not OCPP-J is kept with `error`. */
export interface FrameReading {
  messageType: 2 | 3 | 4 | null;
  messageId: string | null;
  action: string | null;
  transactionId: number | null;
  error: string | null;
}

const MAX_ID_CHARS = 100;

function short(value: unknown): string | null {
  return typeof value === 'string' ? value.slice(0, MAX_ID_CHARS) : null;
}

function transactionIdIn(value: unknown): number | null {
  const id = (value as { transactionId?: unknown } | null)?.transactionId;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? id : null;
}

/**
 * Reads the frames of one connection in order: a CALL's action is remembered by its message id, so
 * its CALLRESULT or CALLERROR (from the other side) is logged under the same action, and a
 * StartTransaction's answer under the transaction it opened. At most `maxOpenCalls` are remembered.
 */
export class ConnectionFrameReader {
  private readonly openCalls = new Map<string, string>();

  constructor(private readonly maxOpenCalls = 1_000) {}

  read(raw: string, direction: FrameDirection): FrameReading {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return this.unreadable('not JSON');
    }
    if (!Array.isArray(frame)) return this.unreadable('not a JSON array');
    const [type, id] = frame as unknown[];
    const messageId = short(id);
    if (type === 2) {
      const action = short(frame[2]);
      if (messageId && action) this.remember(`${direction}:${messageId}`, action);
      return { messageType: 2, messageId, action, transactionId: transactionIdIn(frame[3]), error: null };
    }
    if (type === 3 || type === 4) {
      const key = `${direction === 'IN' ? 'OUT' : 'IN'}:${messageId}`;
      const action = this.openCalls.get(key) ?? null;
      this.openCalls.delete(key);
      if (type === 3) {
        return { messageType: 3, messageId, action, transactionId: transactionIdIn(frame[2]), error: null };
      }
      const reason = `${short(frame[2]) ?? 'unknown'}: ${typeof frame[3] === 'string' ? frame[3].slice(0, 500) : ''}`;
      return { messageType: 4, messageId, action, transactionId: null, error: reason };
    }
    return { ...this.unreadable(`message type ${JSON.stringify(type)?.slice(0, 20)} is not 2, 3 or 4`), messageId };
  }

  private remember(key: string, action: string): void {
    if (this.openCalls.size >= this.maxOpenCalls) {
      const oldest = this.openCalls.keys().next().value;
      if (oldest !== undefined) this.openCalls.delete(oldest);
    }
    this.openCalls.set(key, action);
  }

  private unreadable(error: string): FrameReading {
    return { messageType: null, messageId: null, action: null, transactionId: null, error };
  }
}
