export * from './explain-fixtures';
