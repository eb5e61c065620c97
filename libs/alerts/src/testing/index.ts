export * from './rule-definitions';
