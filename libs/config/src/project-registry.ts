import { createHash } from 'node:crypto';
import { DataCategory, KeyEntry, publicKeyOf, PulseConfigDto, TOKEN_SCOPES, TokenScope } from './pulse-config.dto';

export interface Project {
  id: number;
  name: string;
  /** Undefined when the config does not set it (the deployment default applies). */
  retentionDays?: number;
}

/** One category's quota, defaults applied: a token bucket refilled at `perSecond`, holding `burst`. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/** A key's quotas by data category; a category that is absent is unlimited. */
export type RateLimits = Readonly<Partial<Record<DataCategory, RateLimit>>>;

const NO_LIMITS: RateLimits = Object.freeze({});

/** What a query API token opens: its projects, what it may do there, and who it is in an issue's history. */
export interface TokenAccess {
  readonly projects: ReadonlySet<number>;
  readonly scopes: ReadonlySet<TokenScope>;
  /** The token's `name`, or `token:` and the first 8 hex digits of its SHA-256: never the token. */
  readonly actor: string;
}

/**
 * Lookups over the validated PULSE_CONFIG: which key opens which project, which token reads (or
 * changes) which, and which quotas a key has.
 */
export class ProjectRegistry {
  private readonly projects = new Map<number, Project>();
  private readonly projectByKey = new Map<string, number>();
  private readonly limitsByKey = new Map<string, RateLimits>();
  private readonly accessByToken = new Map<string, TokenAccess>();
  /** The bearer token GET /metrics requires; undefined when the config sets none. */
  readonly metricsToken: string | undefined;

  constructor(config: PulseConfigDto) {
    this.metricsToken = config.metricsToken;
    for (const project of config.projects) {
      this.projects.set(project.id, { id: project.id, name: project.name, retentionDays: project.retentionDays });
      for (const entry of project.keys) {
        const key = publicKeyOf(entry);
        this.projectByKey.set(key, project.id);
        const limits = rateLimitsOf(entry);
        if (limits) this.limitsByKey.set(key, limits);
      }
    }
    for (const token of config.tokens) {
      this.accessByToken.set(token.token, {
        projects: new Set(token.projects),
        // Tokens from before scopes existed read and write.
        scopes: new Set(token.scopes ?? TOKEN_SCOPES),
        actor: token.name ?? `token:${createHash('sha256').update(token.token).digest('hex').slice(0, 8)}`,
      });
    }
  }

  project(id: number): Project | undefined {
    return this.projects.get(id);
  }

  /** The project a DSN public key belongs to, if the key is known. */
  projectOfKey(publicKey: string): number | undefined {
    return this.projectByKey.get(publicKey);
  }

  /** The quotas of a DSN public key; empty (unlimited) for a key without any, or an unknown key. */
  rateLimitsOfKey(publicKey: string): RateLimits {
    return this.limitsByKey.get(publicKey) ?? NO_LIMITS;
  }

  /** The projects a query API token may read; undefined for an unknown token. */
  projectsOfToken(token: string): ReadonlySet<number> | undefined {
    return this.accessByToken.get(token)?.projects;
  }

  /** A query API token's projects, scopes and actor name; undefined for an unknown token. */
  tokenAccess(token: string): TokenAccess | undefined {
    return this.accessByToken.get(token);
  }
}

function rateLimitsOf(entry: KeyEntry): RateLimits | undefined {
  if (typeof entry === 'string' || !entry.rateLimits) return undefined;
  const limits: Partial<Record<DataCategory, RateLimit>> = {};
  for (const [category, limit] of Object.entries(entry.rateLimits) as Array<[DataCategory, { perSecond: number; burst?: number | null } | undefined]>) {
    if (!limit) continue;
    limits[category] = Object.freeze({ perSecond: limit.perSecond, burst: limit.burst ?? Math.ceil(limit.perSecond) });
  }
  return Object.keys(limits).length > 0 ? Object.freeze(limits) : undefined;
}
