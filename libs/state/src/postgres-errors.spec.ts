import { isPostgresUnavailable } from './postgres-errors';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('isPostgresUnavailable', () => {
  it('is true for a server that cannot be reached or cannot take the request now', () => {
    expect(isPostgresUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isPostgresUnavailable(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isPostgresUnavailable(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isPostgresUnavailable(withCode('sorry, too many clients already', '53300'))).toBe(true);
    expect(isPostgresUnavailable(withCode('connection failure', '08006'))).toBe(true);
    expect(isPostgresUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isPostgresUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('is false for bad statements, constraint violations and anything that is not an error', () => {
    expect(isPostgresUnavailable(withCode('relation "issues" does not exist', '42P01'))).toBe(false);
    expect(isPostgresUnavailable(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isPostgresUnavailable(new Error('something else'))).toBe(false);
    expect(isPostgresUnavailable('ECONNREFUSED')).toBe(false);
    expect(isPostgresUnavailable(null)).toBe(false);
  });
});
