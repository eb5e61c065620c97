import { QueryParameterError } from '@pulse/analytics';
import { readAnnotationSources, tagsField } from '../grafana/grafana-annotations';
import { deliveryListOptions, historyRange, incidentListOptions } from './alert-incidents-query.dto';

/** The query strings of the alert history endpoints and the Grafana annotation query, parsed. */

const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const DAY = 86_400_000;

describe('alert history requests', () => {
  it('defaults to the last 24 hours ending now, and reads ISO-8601 or epoch ms', () => {
    expect(historyRange(undefined, '', NOW, 7)).toEqual({ fromMs: NOW - DAY, toMs: NOW });
    expect(historyRange('2026-12-01T00:00:00Z', String(NOW), NOW, 7)).toEqual({ fromMs: Date.parse('2026-12-01T00:00:00Z'), toMs: NOW });
  });

  it.each([
    [['2026-12-07T12:00:00Z', '2026-12-07T11:00:00Z'], 'to must be after from'],
    [[String(NOW - 8 * DAY), String(NOW)], 'the time range may span at most 7 days'],
    [['yesterday', undefined], 'from="yesterday" is not ISO-8601 or epoch milliseconds'],
  ] as const)('refuses the range %j', ([from, to], message) => {
    expect(() => historyRange(from, to, NOW, 7)).toThrow(new QueryParameterError(message));
  });

  it('reads filters and limits, and names the first wrong one', () => {
    expect(incidentListOptions({ rule: '7', kind: 'metric', status: ' critical ', limit: '20' }, NOW, 7)).toEqual({ fromMs: NOW - DAY, toMs: NOW, limit: 20, ruleId: 7, kind: 'metric', status: 'critical' });
    expect(deliveryListOptions({ state: 'failed', incident: '3' }, NOW, 7)).toMatchObject({ state: 'failed', incidentId: 3, ruleId: undefined, limit: undefined });
    expect(() => incidentListOptions({ limit: '0' }, NOW, 7)).toThrow('limit="0" must be an integer from 1 to 1000');
    expect(() => incidentListOptions({ rule: '-1' }, NOW, 7)).toThrow('rule="-1" must be a positive integer id');
    expect(() => deliveryListOptions({ incident: '1e3' }, NOW, 7)).toThrow('incident="1e3" must be a positive integer id');
    expect(() => deliveryListOptions({ state: 'done' }, NOW, 7)).toThrow('state="done" must be one of pending, delivered, failed');
  });
});

describe('Grafana annotation queries', () => {
  it('names alerts, releases or both', () => {
    expect(readAnnotationSources(undefined)).toEqual(['alerts', 'releases']);
    expect(readAnnotationSources(' ')).toEqual(['alerts', 'releases']);
    expect(readAnnotationSources('releases')).toEqual(['releases']);
    expect(readAnnotationSources('releases, alerts')).toEqual(['alerts', 'releases']);
    expect(() => readAnnotationSources('alerts,#deploy')).toThrow('unknown annotation query "#deploy"; valid: alerts, releases, or both separated by a comma');
  });

  it('joins tags with commas, none of them split inside', () => {
    expect(tagsField(['alert', 'metric', 'p95, checkout'])).toBe('alert,metric,p95  checkout');
  });
});
