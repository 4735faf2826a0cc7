export const SessionKinds = ['RIDE', 'CHARGING'] as const;
export type SessionKind = (typeof SessionKinds)[number];

export const SessionStates = ['ACTIVE', 'FINALIZED'] as const;
export type SessionState = (typeof SessionStates)[number];

/** Where a finalized session's energy comes from: the sealed telemetry, or the station's rated power over time. */
export const EnergySources = ['TELEMETRY', 'RATED_POWER'] as const;
export type EnergySource = (typeof EnergySources)[number];
