import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MAX_OCPP_FRAME_CHARS, type OcppFrameLoggedV1 } from './ocpp-frame-logged.v1';
import { MAX_OCPP_FRAMES_PER_MESSAGE, OcppFramesLoggedV1, readOcppFramesLogged } from './ocpp-frames-logged.v1';

const frame = (): OcppFrameLoggedV1 => ({
  frameId: '0b7e6c1a-3f2d-4c1b-9a8e-5d4c3b2a1f00',
  chargePointId: 'CP-0001',
  direction: 'IN',
  messageType: 2,
  messageId: 'm-1',
  action: 'MeterValues',
  transactionId: 7,
  at: '2026-12-03T07:00:00.123Z',
  payload: '[2,"m-1","MeterValues",{}]',
  error: null,
});

/** Values each field is tried with: each field's valid ones and the ways a sender gets it wrong. */
const TRIED: Record<keyof OcppFrameLoggedV1, unknown[]> = {
  frameId: [
    'not-a-uuid',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '0B7E6C1A-3F2D-4C1B-9A8E-5D4C3B2A1F00',
    7,
    null,
    undefined,
  ],
  chargePointId: ['CP 1', '', 'x'.repeat(200), 'CP_1.a-b', 12, null, undefined],
  direction: ['OUT', 'in', 'SIDEWAYS', null, undefined],
  messageType: [3, 4, 1, '2', 2.5, null, undefined],
  messageId: ['', 'x'.repeat(100), 'x'.repeat(101), 5, null, undefined],
  action: ['Heartbeat', 'x'.repeat(101), [], null, undefined],
  transactionId: [0, -3, 2.5, '7', Number.NaN, null, undefined],
  at: ['2026-12-03', '2026-02-30T00:00:00Z', 'yesterday', '2026-12-03T07:00:00+01:00', 1, null, undefined],
  payload: ['', 'x'.repeat(MAX_OCPP_FRAME_CHARS), 'x'.repeat(MAX_OCPP_FRAME_CHARS + 1), {}, null, undefined],
  error: ['', 'x'.repeat(1_000), 'x'.repeat(1_001), false, null, undefined],
};

const throughTheClasses = (payload: unknown) =>
  validateSync(plainToInstance(OcppFramesLoggedV1, payload as object), { forbidUnknownValues: true }).length === 0;
const byHand = (payload: unknown) => 'value' in readOcppFramesLogged(payload);

/** A small deterministic generator, so a failing case is found again. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('readOcppFramesLogged', () => {
  it('reads a valid batch as it came', () => {
    const payload = { frames: [frame(), { ...frame(), direction: 'OUT', messageType: 3, action: null }] };
    expect(readOcppFramesLogged(payload)).toEqual({ value: payload });
  });

  it.each(Object.entries(TRIED).flatMap(([field, values]) => values.map((value) => [field, value] as const)))(
    'agrees with the classes on %s = %p, and names the field it refuses',
    (field, value) => {
      const payload = { frames: [frame(), { ...frame(), [field]: value }] };
      const accepted = throughTheClasses(payload);
      expect(byHand(payload)).toBe(accepted);
      const reading = readOcppFramesLogged(payload);
      if (!accepted) expect('errors' in reading && reading.errors.join()).toContain(`frames.1.${field}:`);
    },
  );

  it.each([
    ['no frames', { frames: [] }],
    ['one frame too many', { frames: Array.from({ length: MAX_OCPP_FRAMES_PER_MESSAGE + 1 }, frame) }],
    ['the most frames', { frames: Array.from({ length: MAX_OCPP_FRAMES_PER_MESSAGE }, frame) }],
    ['frames not an array', { frames: frame() }],
    ['no frames field', {}],
    ['a frame that is null', { frames: [frame(), null] }],
    ['a frame that is a string', { frames: ['frame'] }],
    ['an unknown field on a frame', { frames: [{ ...frame(), extra: 1 }] }],
  ])('agrees with the classes on a batch with %s', (_case, payload) => {
    expect(byHand(payload)).toBe(throughTheClasses(payload));
  });

  it('refuses a frame that is an array of frames, which the classes let through (their nesting reads into arrays)', () => {
    const payload = { frames: [[frame()]] };
    expect(throughTheClasses(payload)).toBe(true);
    expect(readOcppFramesLogged(payload)).toEqual({ errors: ['frames.0: must be an object'] });
  });

  it('agrees with the classes on 2,000 frames with several fields wrong at once', () => {
    const random = seeded(15);
    const fields = Object.keys(TRIED) as (keyof OcppFrameLoggedV1)[];
    let refused = 0;
    for (let run = 0; run < 2_000; run += 1) {
      const mutated: Record<string, unknown> = { ...frame() };
      for (const field of fields) {
        if (random() < 0.15) mutated[field] = TRIED[field][Math.floor(random() * TRIED[field].length)];
      }
      const payload = { frames: [mutated] };
      const accepted = throughTheClasses(payload);
      if (!accepted) refused += 1;
      expect({ mutated, byHand: byHand(payload) }).toEqual({ mutated, byHand: accepted });
    }
    expect(refused).toBeGreaterThan(500);
  });
});
