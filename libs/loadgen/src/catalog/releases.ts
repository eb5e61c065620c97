/**
 * The deployments the simulated clients run: three stable releases and one canary. The canary takes
 * ~10% of the traffic and is worse on purpose (slower, more errors and crashes), so release
 * comparisons in Pulse have something to find.
 */
export interface ReleaseProfile {
  /** `sentry.release` / `release`, as an SDK's `release` option would set it. */
  name: string;
  /** Share of the traffic (transactions, sessions) on this release; the shares sum to 1. */
  trafficShare: number;
  /** Multiplies every duration and paint time (not CLS, which is a score). */
  latencyFactor: number;
  /** Multiplies the chance of failed transactions, error events and crashed sessions. */
  errorFactor: number;
  canary: boolean;
}

export const RELEASES: readonly ReleaseProfile[] = [
  { name: 'shop@2.3.4', trafficShare: 0.15, latencyFactor: 1, errorFactor: 1, canary: false },
  { name: 'shop@2.4.0', trafficShare: 0.3, latencyFactor: 1, errorFactor: 1, canary: false },
  { name: 'shop@2.4.1', trafficShare: 0.45, latencyFactor: 1, errorFactor: 1, canary: false },
  { name: 'shop@2.5.0-canary.1', trafficShare: 0.1, latencyFactor: 1.3, errorFactor: 3, canary: true },
];

export interface EnvironmentProfile {
  name: string;
  share: number;
}

export const ENVIRONMENTS: readonly EnvironmentProfile[] = [
  { name: 'production', share: 0.85 },
  { name: 'staging', share: 0.15 },
];
