import { request } from '@pulse/testing';
import { QueryTestApp, TOKEN_OF_PROJECT } from '../../testing/query-test-app';

export interface SqlBody {
  sql: string;
  params?: unknown;
  from?: string | number;
  to?: string | number;
}

export interface SqlAnswer<T = Record<string, unknown>> {
  status: number;
  body: { detail?: string; meta?: Array<{ name: string; type: string }>; data: T[]; rows?: number; statistics?: Record<string, number> };
}

/** POST /api/v1/projects/:projectId/query with project 1's token unless told otherwise (`token: null`: none). */
export async function postSql<T = Record<string, unknown>>(
  app: QueryTestApp,
  body: SqlBody,
  { projectId = 1, token = TOKEN_OF_PROJECT[1] as string | null } = {},
): Promise<SqlAnswer<T>> {
  const { status, body: answer } = await request<SqlAnswer<T>['body']>(`${app.url}/api/v1/projects/${projectId}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  return { status, body: answer };
}
