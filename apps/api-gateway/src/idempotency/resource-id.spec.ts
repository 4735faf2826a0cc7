import { resourceIdOf } from './resource-id';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('the id an idempotent create passes on', () => {
  const keyId = '0b9c4f6e-1a2b-4c3d-8e9f-a0b1c2d3e4f5';

  it('is a version 5 UUID, the same for every retry of the same request', () => {
    const id = resourceIdOf(keyId, 'order-17', 'f'.repeat(64));
    expect(id).toMatch(UUID_V5);
    expect(resourceIdOf(keyId, 'order-17', 'f'.repeat(64))).toBe(id);
  });

  it('differs for another caller, another Idempotency-Key or another request', () => {
    const id = resourceIdOf(keyId, 'order-17', 'f'.repeat(64));
    expect(resourceIdOf('1b9c4f6e-1a2b-4c3d-8e9f-a0b1c2d3e4f5', 'order-17', 'f'.repeat(64))).not.toBe(id);
    expect(resourceIdOf(keyId, 'order-18', 'f'.repeat(64))).not.toBe(id);
    expect(resourceIdOf(keyId, 'order-17', 'e'.repeat(64))).not.toBe(id);
  });
});
