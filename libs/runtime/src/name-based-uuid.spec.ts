import { nameBasedUuid } from './name-based-uuid';

describe('name-based UUIDs', () => {
  it('match the version 5 UUID of RFC 9562 for the DNS namespace', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });

  it('give the same id for the same name and another for another name or namespace', () => {
    const namespace = '0f4c5a6e-2b8d-4c1f-a3e9-7d21b6c08e45';
    expect(nameBasedUuid(namespace, 'a')).toBe(nameBasedUuid(namespace, Buffer.from('a')));
    expect(nameBasedUuid(namespace, 'a')).not.toBe(nameBasedUuid(namespace, 'b'));
    expect(nameBasedUuid(namespace, 'a')).not.toBe(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'a'));
  });
});
