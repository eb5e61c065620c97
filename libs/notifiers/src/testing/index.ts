// Stand-ins for the services alerts are sent to: real HTTP servers on 127.0.0.1 that check each
// request against the service's documented format and answer as the service would. Used by the
// int-specs of the destinations, the end-to-end tests and the alerts benchmark.
export * from './http-receiver';
export * from './webhook-receiver';
export * from './slack-receiver';
export * from './jira-receiver';
export { adfProblem } from './adf-check';
export * from './notification-fixtures';
