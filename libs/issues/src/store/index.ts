export * from './issue-row';
export * from './issue.store';
