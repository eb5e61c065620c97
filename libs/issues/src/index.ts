export * from './issue';
export * from './workflow/release-order';
export * from './read';
export * from './recorder/issue-recorder';
export { claimOffset, storeOffset } from './recorder/recorder.queries';
export * from './store';
export * from './workflow/status-change';
export * from './workflow/status-change-plan';
