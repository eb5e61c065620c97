/** Injection tokens of the query app. */
export const PROJECT_REGISTRY = Symbol('PROJECT_REGISTRY');
export const QUERY_LIMITS = Symbol('QUERY_LIMITS');

export interface QueryLimits {
  maxExecutionSeconds: number;
  maxRangeDays: number;
  maxPoints: number;
}
