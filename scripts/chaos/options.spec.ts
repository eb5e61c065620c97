import { readChaosOptions } from './options';

describe('readChaosOptions', () => {
  it('has small defaults: both scenarios, 100 requests/s, a 15 s broker outage, 60 s of ClickHouse frozen', () => {
    expect(readChaosOptions([])).toMatchObject({ scenarios: ['broker-kill', 'clickhouse-down'], rate: 100, brokerDownSeconds: 15, clickhouseDownSeconds: 60, clickhouseFault: 'stop' });
  });

  it('takes one scenario and the fault kind', () => {
    expect(readChaosOptions(['--scenarios', 'clickhouse-down', '--clickhouse-fault', 'kill', '--rate', '50'])).toMatchObject({ scenarios: ['clickhouse-down'], clickhouseFault: 'kill', rate: 50 });
  });

  it('refuses unknown scenarios, faults and out-of-range numbers', () => {
    expect(() => readChaosOptions(['--scenarios', 'zookeeper'])).toThrow(/--scenarios takes broker-kill, clickhouse-down/);
    expect(() => readChaosOptions(['--clickhouse-fault', 'pause'])).toThrow(/--clickhouse-fault must be stop or kill/);
    expect(() => readChaosOptions(['--rate', '0'])).toThrow(/--rate must be a number/);
  });
});
