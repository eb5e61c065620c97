import type { DashboardVariable } from './grafana-replay';
import { ALL, intervalText, processPayload, roundInterval } from './grafana-replay';

const variables: DashboardVariable[] = [
  { name: 'release', type: 'query', query: { query: 'releases', format: 'string' }, allValue: '*', includeAll: true },
  { name: 'environment', type: 'query', query: { query: 'environments', format: 'string' }, allValue: '*', includeAll: true },
];

describe('the replay of the plugin', () => {
  it('interpolates code-mode payloads with the json format (quotes dropped by cleanMatch)', () => {
    expect(processPayload('{"release": "$release", "environment": "${environment}"}', 'code', { release: '1.4.0', environment: ALL }, variables)).toEqual({ release: '1.4.0', environment: '*' });
  });

  it('interpolates builder-mode payload values with the regex format', () => {
    expect(processPayload({ release: '$release' }, 'builder', { release: 'shop@1.4.0' }, variables)).toEqual({ release: 'shop@1\\.4\\.0' });
  });

  it('gives {} for a payload that is not JSON after interpolation, as the plugin does', () => {
    expect(processPayload('{"release": $release}', 'code', { release: 'x' }, variables)).toEqual({});
    expect(processPayload('', 'code', {}, variables)).toEqual({});
  });

  it("rounds intervals like Grafana's kbn.roundInterval", () => {
    expect(roundInterval(24_000)).toBe(20_000);
    expect(roundInterval(40_000)).toBe(30_000);
    expect(roundInterval(100_000)).toBe(120_000);
    expect([30_000, 60_000, 7_200_000, 86_400_000, 1500].map(intervalText)).toEqual(['30s', '1m', '2h', '1d', '1500ms']);
  });
});
