import { canonicalJson, isValidIdempotencyKey, requestFingerprint } from './request-fingerprint';

describe('idempotency fingerprints', () => {
  it('gives the same fingerprint for the same body whatever the key order', () => {
    const first = requestFingerprint('POST', '/v1/rides', { vehicleId: 'v-1', riderId: 'r-1', meta: { b: 2, a: 1 } });
    const second = requestFingerprint('post', '/v1/rides', { meta: { a: 1, b: 2 }, riderId: 'r-1', vehicleId: 'v-1' });
    expect(first).toBe(second);
  });

  it('tells apart another body, another path and another method', () => {
    const base = requestFingerprint('POST', '/v1/rides', { vehicleId: 'v-1' });
    expect(requestFingerprint('POST', '/v1/rides', { vehicleId: 'v-2' })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/charging-sessions', { vehicleId: 'v-1' })).not.toBe(base);
    expect(requestFingerprint('PUT', '/v1/rides', { vehicleId: 'v-1' })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/rides', { vehicleId: 'v-1', note: 'x' })).not.toBe(base);
  });

  it('writes canonical JSON: sorted keys, arrays in order, undefined fields left out', () => {
    expect(canonicalJson({ b: [2, 1], a: { d: null, c: 'x' }, e: undefined })).toBe(
      '{"a":{"c":"x","d":null},"b":[2,1]}',
    );
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('accepts visible ASCII keys up to 255 characters', () => {
    expect(isValidIdempotencyKey('5f1c2b9e-8d4a-4c3b-9e7f-1a2b3c4d5e6f')).toBe(true);
    expect(isValidIdempotencyKey('')).toBe(false);
    expect(isValidIdempotencyKey('has space')).toBe(false);
    expect(isValidIdempotencyKey('x'.repeat(256))).toBe(false);
  });
});
