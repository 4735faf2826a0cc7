/** One line a component logged: its level, its fields and its fixed message. */
export interface RecordedLine {
  level: 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/**
 * Keeps expected warnings (reconnects, dead-letters) out of test output and collects them for
 * assertions; it takes the place of a service's pino logger where messaging wants one.
 */
export class RecordingLogger {
  readonly lines: RecordedLine[] = [];

  info(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'info', fields, message });
  }

  warn(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'warn', fields, message });
  }

  error(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'error', fields, message });
  }
}
