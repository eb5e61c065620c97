// Alert destinations: what a notification says (notification.ts) and, per destination, how it is
// checked, rendered and sent (destination.ts). The outbox that calls them lives in @pulse/alerts.
export * from './notification';
export * from './destination';
export * from './destinations';
