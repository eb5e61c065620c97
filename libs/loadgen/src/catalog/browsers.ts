/**
 * Browsers of the simulated users, by User-Agent: the browser SDK sends no `contexts.browser`, so
 * Pulse (like Relay) derives browser and OS from `user_agent.original` on streamed spans and from
 * the `User-Agent` request header of classic events. `name` is what Pulse derives (uap-core family
 * names); the unit tests check it against Pulse's own parser.
 */
export interface BrowserProfile {
  name: string;
  share: number;
  userAgent: string;
  /** Slower devices and networks: multiplies paint times and interaction delays. */
  latencyFactor: number;
}

export const BROWSERS: readonly BrowserProfile[] = [
  {
    name: 'Chrome',
    share: 0.35,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
    latencyFactor: 1,
  },
  {
    name: 'Chrome',
    share: 0.15,
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
    latencyFactor: 0.95,
  },
  {
    name: 'Chrome Mobile',
    share: 0.1,
    userAgent: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36',
    latencyFactor: 1.4,
  },
  {
    name: 'Safari',
    share: 0.05,
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    latencyFactor: 0.95,
  },
  {
    name: 'Mobile Safari',
    share: 0.15,
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    latencyFactor: 1.25,
  },
  {
    name: 'Firefox',
    share: 0.08,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    latencyFactor: 1.05,
  },
  {
    name: 'Edge',
    share: 0.12,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0',
    latencyFactor: 1,
  },
];
