import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { preparedQuery } from '@chargeflow/messaging';
/* eslint-disable @nx/enforce-module-boundaries -- the floor issues the services' own statements, built by their own code, so it measures exactly what they send */
import { Battery } from '../apps/sessions/src/fleet/domain/battery';
import { Session } from '../apps/sessions/src/session/domain/session.aggregate';
import {
  finalizeStatement,
  requestEndStatement,
  startStatement,
} from '../apps/sessions/src/session/infrastructure/session-statements';
import { openLedgersStatement, sealActiveStatement } from '../apps/telemetry/src/ledger/ledger.repository';

/**
 * The floor under the command path: the database statements of a ride start and its end, the very
 * statements the sessions and telemetry services issue (start; the ledger's opening; end request; seal;
 * finalize), prepared as the services prepare them, from this one Node process with plain `pg`, `concurrency` pairs at once for `seconds`,
 * on the stack's own databases: no gateway, no broker, no framework. Resolves requests per second
 * (a pair is two requests, as through the gateway). The events its statements write to the outbox are
 * marked published when it ends: nothing publishes them during the floor, and the next stack started on
 * these databases would otherwise work them off (its relay, billing, analytics) before its own run.
 */
export async function commandFloor(env: NodeJS.ProcessEnv, concurrency: number, seconds: number): Promise<number> {
  const sessions = new Pool({ connectionString: env.SESSIONS_DATABASE_URL, max: concurrency });
  const telemetry = new Pool({ connectionString: env.TELEMETRY_DATABASE_URL, max: concurrency });
  const parties = Array.from({ length: concurrency }, () => ({ vehicleId: randomUUID(), riderId: randomUUID() }));
  try {
    for (const { vehicleId, riderId } of parties) {
      await sessions.query(
        `INSERT INTO vehicle (id, label, battery_capacity_wh, energy_wh) VALUES ($1, 'floor', 500, 500)`,
        [vehicleId],
      );
      await sessions.query(`INSERT INTO rider (id, name) VALUES ($1, 'Floor Rider')`, [riderId]);
    }
    let requests = 0;
    const deadline = Date.now() + seconds * 1_000;
    const began = performance.now();
    await Promise.all(
      parties.map(async ({ vehicleId, riderId }) => {
        while (Date.now() < deadline) {
          const ride = Session.startRide({ id: randomUUID(), vehicleId, riderId, now: new Date() });
          await sessions.query(preparedQuery(startStatement(ride)));
          requests += 1;
          const [requested] = (await sessions.query(preparedQuery(requestEndStatement(ride.id, 'RIDE')))).rows;
          const opening = {
            sessionId: ride.id,
            kind: 'RIDE' as const,
            vehicleId,
            stationId: null,
            startedAt: ride.toSnapshot().startedAt.toISOString(),
          };
          // The ledger's opening, as telemetry's consumer of session.started.v1 does it, then the seal.
          await telemetry.query(preparedQuery(openLedgersStatement([opening])));
          const [sealed] = (await telemetry.query(preparedQuery(sealActiveStatement(ride.id, { unlessParked: true }))))
            .rows;
          ride.end({
            energyWh: sealed.energy_wh,
            distanceM: sealed.distance_m,
            sampleCount: sealed.sample_count,
            sealedAt: sealed.sealed_at,
          });
          const level = Battery.of(requested.battery_capacity_wh, requested.vehicle_energy_wh).afterSession(
            'RIDE',
            sealed.energy_wh,
          );
          const finalize = finalizeStatement(ride, level.energyWh.toFixed(), {
            capacityWh: requested.battery_capacity_wh,
            energyWh: requested.vehicle_energy_wh,
          });
          const { rowCount } = await sessions.query(preparedQuery(finalize));
          if (rowCount !== 1) throw new Error(`the floor's ride ${ride.id} was not finalized`);
          requests += 1;
        }
      }),
    );
    return requests / ((performance.now() - began) / 1_000);
  } finally {
    try {
      await sessions.query(
        `UPDATE outbox_message SET published_at = now()
          WHERE published_at IS NULL AND envelope->'payload'->>'vehicleId' = ANY($1::text[])`,
        [parties.map((party) => party.vehicleId)],
      );
    } finally {
      await sessions.end();
      await telemetry.end();
    }
  }
}
