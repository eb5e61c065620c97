export * from './issue-list';
export * from './issue-read.ports';
export * from './issue-reader';
export * from './issue-view';
