import { PulseConfigDto } from './pulse-config.dto';

export interface Project {
  id: number;
  name: string;
}

/** Lookups over the validated PULSE_CONFIG: which key opens which project, which token reads which. */
export class ProjectRegistry {
  private readonly projects = new Map<number, Project>();
  private readonly projectByKey = new Map<string, number>();
  private readonly projectsByToken = new Map<string, ReadonlySet<number>>();

  constructor(config: PulseConfigDto) {
    for (const project of config.projects) {
      this.projects.set(project.id, { id: project.id, name: project.name });
      for (const key of project.keys) this.projectByKey.set(key, project.id);
    }
    for (const token of config.tokens) this.projectsByToken.set(token.token, new Set(token.projects));
  }

  project(id: number): Project | undefined {
    return this.projects.get(id);
  }

  /** The project a DSN public key belongs to, if the key is known. */
  projectOfKey(publicKey: string): number | undefined {
    return this.projectByKey.get(publicKey);
  }

  /** The projects a query API token may read; undefined for an unknown token. */
  projectsOfToken(token: string): ReadonlySet<number> | undefined {
    return this.projectsByToken.get(token);
  }
}
