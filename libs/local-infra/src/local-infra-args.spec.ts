import { parseLocalInfraArgs } from './local-infra-args';

describe('parseLocalInfraArgs', () => {
  it('reads the service, the command and the options', () => {
    expect(parseLocalInfraArgs(['kafka', 'start'])).toEqual({ target: 'kafka', command: 'start' });
    expect(parseLocalInfraArgs(['clickhouse', 'status', '--port', '18123', '--state-dir', 'tmp/ch'])).toEqual({
      target: 'clickhouse',
      command: 'status',
      port: 18123,
      stateDir: 'tmp/ch',
    });
    expect(parseLocalInfraArgs(['all', 'stop', '--state-dir', '/x'])).toEqual({ target: 'all', command: 'stop', stateDir: '/x' });
    expect(parseLocalInfraArgs(['postgres', 'start', '--port', '25432', '--state-dir', 'tmp/pg'])).toEqual({ target: 'postgres', command: 'start', port: 25432, stateDir: 'tmp/pg' });
  });

  it('refuses unknown services, commands and options, and bad values', () => {
    expect(() => parseLocalInfraArgs([])).toThrow(/usage/);
    expect(() => parseLocalInfraArgs(['start', 'kafka'])).toThrow(/usage/);
    expect(() => parseLocalInfraArgs(['kafka', 'restart'])).toThrow(/usage/);
    expect(() => parseLocalInfraArgs(['kafka', 'start', '--heap', '1g'])).toThrow(/unknown option --heap/);
    expect(() => parseLocalInfraArgs(['kafka', 'start', '--port'])).toThrow(/--port needs a value/);
    expect(() => parseLocalInfraArgs(['kafka', 'start', '--port', '70000'])).toThrow(/invalid port/);
    expect(() => parseLocalInfraArgs(['all', 'start', '--port', '9092'])).toThrow(/one service/);
  });
});
