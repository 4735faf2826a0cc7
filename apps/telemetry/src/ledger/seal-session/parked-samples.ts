/**
 * Samples set aside during a sessions outage (their session could not be described when they came):
 * they came before the session's end, so its seal judges them first.
 */
export interface ParkedSamples {
  /** Counts or refuses the session's parked samples now; those still undescribable stay parked. */
  judge(sessionId: string): Promise<void>;
}

export const PARKED_SAMPLES = Symbol('PARKED_SAMPLES');
