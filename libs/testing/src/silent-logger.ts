import type { LoggerService } from '@nestjs/common';

/** Keeps expected warnings (reconnects, dead-letters) out of test output; collects them for assertions. */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];

  log(message: unknown): void {
    this.lines.push(String(message));
  }

  error(message: unknown): void {
    this.lines.push(String(message));
  }

  warn(message: unknown): void {
    this.lines.push(String(message));
  }
}
