import type { ProjectRegistry } from '@pulse/config';

/** How many days a project's rows are kept: its PULSE_CONFIG `retentionDays`, else the default. */
export class RetentionPolicy {
  constructor(
    private readonly registry: ProjectRegistry,
    private readonly defaultDays: number,
  ) {}

  /** Projects missing from the config (removed while their data was in Kafka) get the default. */
  daysFor(projectId: number): number {
    return this.registry.project(projectId)?.retentionDays ?? this.defaultDays;
  }
}
