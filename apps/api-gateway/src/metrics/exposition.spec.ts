import { mergeExpositions } from './exposition';

const sessions = `# HELP chargeflow_messages_consumed_total Messages handled
# TYPE chargeflow_messages_consumed_total counter
chargeflow_messages_consumed_total{queue="sessions.events"} 12

# HELP chargeflow_outbox_backlog Outbox events not yet published
# TYPE chargeflow_outbox_backlog gauge
chargeflow_outbox_backlog 3
`;

const telemetry = `# HELP chargeflow_messages_consumed_total Messages handled
# TYPE chargeflow_messages_consumed_total counter
chargeflow_messages_consumed_total{queue="telemetry.samples"} 900
# HELP chargeflow_rpc_seconds Latency
# TYPE chargeflow_rpc_seconds histogram
chargeflow_rpc_seconds_bucket{le="0.1"} 4
chargeflow_rpc_seconds_bucket{le="+Inf"} 5
chargeflow_rpc_seconds_sum 0.7
chargeflow_rpc_seconds_count 5
`;

describe('merging Prometheus expositions', () => {
  const merged = mergeExpositions([
    { labels: { service: 'sessions' }, text: sessions },
    { labels: { service: 'telemetry' }, text: telemetry },
  ]);
  const lines = merged.trim().split('\n');

  it('writes each family once, with the samples of every source under it', () => {
    expect(lines.filter((line) => line === '# TYPE chargeflow_messages_consumed_total counter')).toHaveLength(1);
    const type = lines.indexOf('# TYPE chargeflow_messages_consumed_total counter');
    expect(lines.slice(type + 1, type + 3)).toEqual([
      'chargeflow_messages_consumed_total{service="sessions",queue="sessions.events"} 12',
      'chargeflow_messages_consumed_total{service="telemetry",queue="telemetry.samples"} 900',
    ]);
  });

  it('labels samples without labels, and histogram series under their family', () => {
    expect(lines).toContain('chargeflow_outbox_backlog{service="sessions"} 3');
    const type = lines.indexOf('# TYPE chargeflow_rpc_seconds histogram');
    expect(lines.slice(type + 1)).toEqual([
      'chargeflow_rpc_seconds_bucket{service="telemetry",le="0.1"} 4',
      'chargeflow_rpc_seconds_bucket{service="telemetry",le="+Inf"} 5',
      'chargeflow_rpc_seconds_sum{service="telemetry"} 0.7',
      'chargeflow_rpc_seconds_count{service="telemetry"} 5',
    ]);
  });

  it('escapes label values', () => {
    expect(mergeExpositions([{ labels: { service: 'a"b' }, text: 'x 1\n' }])).toBe('x{service="a\\"b"} 1\n');
  });
});
