import { planStatement } from './statement-plan';

describe('planStatement', () => {
  const b = (s: string): Buffer => Buffer.from(s);

  it('joins the URL query and the body with a newline', () => {
    expect(planStatement('SELECT 1', b('+ 1 FORMAT JSON'))).toMatchObject({ sql: 'SELECT 1\n+ 1 FORMAT JSON', shape: { format: 'JSON' } });
    expect(planStatement('', b('SELECT 2')).sql).toBe('SELECT 2');
    expect(planStatement('', b('SELECT 2')).insert).toBeUndefined();
    expect(planStatement('SELECT 3', b(''))).toMatchObject({ sql: 'SELECT 3' });
  });

  it('keeps INSERT data as bytes', () => {
    const data = Buffer.from([0x7b, 0x00, 0xff, 0x0a]);
    const plan = planStatement('INSERT INTO t FORMAT RowBinary', data);
    expect(plan.sql).toBe('INSERT INTO t FORMAT RowBinary');
    expect(plan.insert?.data).toBe(data);
    expect(planStatement('', b('INSERT INTO t VALUES (1)'))).toMatchObject({ sql: '', insert: { data: b('INSERT INTO t VALUES (1)') } });
  });

  it('refuses a second statement, also one hidden in VALUES data or far into the body', () => {
    expect(() => planStatement('', b('SELECT 1; DROP TABLE t'))).toThrow(/Multi-statements are not allowed/);
    expect(() => planStatement('INSERT INTO t VALUES', b('(1); DROP TABLE t'))).toThrow(/Multi-statements/);
    const longValues = `INSERT INTO t VALUES ${'(1),'.repeat(40_000)}(2); DROP TABLE t`;
    expect(() => planStatement('', b(longValues))).toThrow(/Multi-statements/);
    expect(() => planStatement('INSERT INTO t FORMAT CSV', b('1\n;DROP TABLE t'))).not.toThrow();
  });

  it('refuses an empty query', () => {
    expect(() => planStatement('', b(''))).toThrow(/Empty query/);
    expect(() => planStatement('', b('  \n'))).toThrow(/Empty query/);
  });
});
