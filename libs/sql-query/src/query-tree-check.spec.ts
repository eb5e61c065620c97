import { checkQueryTree } from './query-tree-check';
import { SqlRefusal } from './sql-refusal';
import { fixture, FIXTURE_DATABASE, QUERY_TREE_FIXTURES } from './testing/explain-fixtures';

const lines = (name: string) => fixture(QUERY_TREE_FIXTURES, name).lines;

describe('checkQueryTree', () => {
  it('accepts a join, IN (SELECT …) and a scalar subquery over logical tables', () => {
    expect(() => checkQueryTree(lines('join, IN (SELECT …) and a scalar subquery'), FIXTURE_DATABASE)).not.toThrow();
  });

  it('refuses a table of another database, naming it', () => {
    expect(() => checkQueryTree(lines('subquery into system.tables'), FIXTURE_DATABASE)).toThrow('table system.tables is not available');
  });

  it('lets through system.one, the constant table of a SELECT without FROM (naming it is the syntax check\'s refusal)', () => {
    expect(() => checkQueryTree(lines('SELECT without FROM'), FIXTURE_DATABASE)).not.toThrow();
    expect(() => checkQueryTree(lines('IN system.one'), FIXTURE_DATABASE)).not.toThrow();
  });

  it('refuses the logical tables of another database', () => {
    expect(() => checkQueryTree(lines('join, IN (SELECT …) and a scalar subquery'), 'other')).toThrow('table pulse.transactions is not available');
  });

  it('refuses a rollup read by a subquery', () => {
    expect(() => checkQueryTree(lines('rollup in a subquery'), FIXTURE_DATABASE)).toThrow('table pulse.transactions_minute is not available');
  });

  it('refuses table functions', () => {
    expect(() => checkQueryTree(lines('table function'), FIXTURE_DATABASE)).toThrow('table function numbers(…) is not allowed');
  });

  it('checks every table_name of a TABLE line, and only lines that are TABLE nodes', () => {
    const forged = '    TABLE id: 3, alias: x, table_name: pulse.transactions, table_name: system.users';
    expect(() => checkQueryTree([forged], FIXTURE_DATABASE)).toThrow('table system.users is not available');
    const constant = "      CONSTANT id: 8, constant_value: 'TABLE_FUNCTION id: 1 table_name: system.users', constant_value_type: String";
    expect(() => checkQueryTree([constant], FIXTURE_DATABASE)).not.toThrow();
    expect(() => checkQueryTree(['    TABLE id: 3, alias: __table1'], FIXTURE_DATABASE)).toThrow(SqlRefusal);
  });
});
