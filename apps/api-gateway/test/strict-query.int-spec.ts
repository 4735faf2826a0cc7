import { GatewayHarness } from './gateway.harness';

interface QueryParameter {
  name: string;
  in: string;
  schema?: { type?: string };
}

interface OpenApi {
  paths: Record<string, { get?: { parameters?: QueryParameter[] } }>;
}

const LOOSE: Record<string, string[]> = {
  integer: ['1e3', '0x10', '10.5', ' 5', '5 ', '+5', 'Infinity', ''],
  number: ['1e3', '0x10', ' 5', 'NaN', ''],
  boolean: ['1', '0', 'TRUE', 'yes', ' true', ''],
};

describe('no implicit conversion of query values, on every route that takes them', () => {
  jest.setTimeout(120_000);
  let gateway: GatewayHarness;
  let typedParameters: { path: string; name: string; type: string }[];

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_strict_query');
    const document = (await gateway.request<OpenApi>('GET', '/openapi.json')).body;
    typedParameters = Object.entries(document.paths).flatMap(([path, operations]) =>
      (operations.get?.parameters ?? [])
        .filter((parameter) => parameter.in === 'query' && (parameter.schema?.type ?? '') in LOOSE)
        .map((parameter) => ({
          path: path.replace(/\{[^}]+\}/g, '7d0f7a3e-2c43-4a55-9a3c-0c9a5f1b2e77'),
          name: parameter.name,
          type: parameter.schema?.type as string,
        })),
    );
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('finds the typed query parameters of every list family in the OpenAPI document', () => {
    const families = new Set(typedParameters.map((parameter) => parameter.path.split('/')[2]));
    for (const family of ['sessions', 'vehicles', 'stations', 'riders', 'tariffs', 'billing', 'analytics', 'api-keys'])
      expect(families).toContain(family);
    expect(typedParameters).toContainEqual({ path: '/v1/api-keys', name: 'includeRevoked', type: 'boolean' });
  });

  it('answers 400 VALIDATION_FAILED naming the parameter for every loosely written number or flag', async () => {
    const accepted: string[] = [];
    for (const { path, name, type } of typedParameters) {
      for (const value of LOOSE[type]) {
        const answer = await gateway.request('GET', `${path}?${name}=${encodeURIComponent(value)}`, {
          key: gateway.adminKey,
        });
        const fields = ((answer.body.errors ?? []) as { field: string }[]).map((error) => error.field);
        if (answer.status !== 400 || answer.body.code !== 'VALIDATION_FAILED' || !fields.includes(name))
          accepted.push(`${path}?${name}=${JSON.stringify(value)} → ${answer.status} ${String(answer.body.code)}`);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('still reads plain digits and exact flags', async () => {
    const answer = await gateway.request('GET', '/v1/api-keys?limit=5&includeRevoked=true', { key: gateway.adminKey });
    expect(answer.status).toBe(200);
  });
});
