import type { RpcErrorKind } from '@chargeflow/contracts';

/** The first retry of a charge's end comes this soon after a failed attempt, each next one twice as late. */
const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 60_000;

/** When the next attempt to end a stopped transaction's charge is due after `attempts` failed ones. */
export function nextEndAttemptInMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS);
}

/**
 * Whether the sessions service's refusal to end a charge stands (asking again gives the same answer)
 * or was a passing failure (unavailable, timed out, internal) worth another attempt.
 */
export function refusalStands(kind: RpcErrorKind): boolean {
  return kind !== 'UNAVAILABLE' && kind !== 'TIMEOUT' && kind !== 'INTERNAL';
}
