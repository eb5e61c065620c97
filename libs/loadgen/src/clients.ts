import { BROWSERS, BrowserProfile } from './catalog/browsers';
import { ENVIRONMENTS, RELEASES, ReleaseProfile } from './catalog/releases';
import { SeededRandom } from './random';

/** A simulated end user. Each keeps one browser, as a real user mostly does. */
export interface SimulatedUser {
  id: string;
  email: string;
  browser: BrowserProfile;
}

/** Who sends one event: the deployment it runs on, and the user (absent for anonymous visitors). */
export interface ClientContext {
  release: ReleaseProfile;
  environment: string;
  user: SimulatedUser | undefined;
  /** The user's browser, or a browser drawn for an anonymous visitor. */
  browser: BrowserProfile;
}

/** Share of events without a signed-in user. */
export const ANONYMOUS_SHARE = 0.2;

/**
 * The user pool and the draws every event starts with. The pool is drawn once from the run's seed;
 * per-event draws use the envelope's own generator, so they do not depend on what was sent before.
 */
export class ClientPool {
  readonly users: readonly SimulatedUser[];

  constructor(random: SeededRandom, size: number) {
    this.users = Array.from({ length: size }, (_, index) => ({
      id: `u-${index + 1}`,
      email: `user${index + 1}@shop.example`,
      browser: random.weighted(BROWSERS, (browser) => browser.share),
    }));
  }

  /**
   * A client for one event. `errorWeighted` draws the release in proportion to traffic × errorFactor:
   * an error event is three times as likely to come from the canary as its traffic share says.
   */
  draw(random: SeededRandom, options: { errorWeighted?: boolean } = {}): ClientContext {
    const release = random.weighted(RELEASES, (r) => r.trafficShare * (options.errorWeighted ? r.errorFactor : 1));
    const environment = random.weighted(ENVIRONMENTS, (e) => e.share).name;
    const user = this.users.length > 0 && !random.chance(ANONYMOUS_SHARE) ? random.pick(this.users) : undefined;
    const browser = user?.browser ?? random.weighted(BROWSERS, (b) => b.share);
    return { release, environment, user, browser };
  }
}
