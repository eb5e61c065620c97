import { PulseClient } from '@pulse/testing';
import type { E2EStack } from './e2e-stack';

/** The stack's HTTP APIs as a user and an SDK reach them, for each of its projects (key and token). */
export function pulseClientOf(stack: E2EStack): PulseClient {
  return new PulseClient(stack.app('ingest').url, stack.app('query').url, new Map(stack.projects.map((p) => [p.id, { key: p.key, token: p.token }])));
}

export interface IncidentJson {
  id: number;
  ruleId: number | null;
  kind: string;
  issueId: number | null;
  status: string;
  resolvedAt: string | null;
  details: Record<string, unknown>;
  deliveries: Array<{ destination: string; state: string; attempts: number; lastStatusCode: number | null }>;
}

/** GET …/alert-incidents (default range: the last 24 h). */
export async function incidentsOf(client: PulseClient, projectId: number, query = ''): Promise<IncidentJson[]> {
  return (await client.get<{ data: IncidentJson[] }>(projectId, `alert-incidents?${query}`)).data;
}
