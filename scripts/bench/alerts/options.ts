// The command line of the alerts benchmark (scripts/bench-alerts.ts). The defaults are the sizes the
// targets are stated at (docs/benchmarks.md "Alerts"); the suite's --quick passes small ones.
import { parseArgs } from 'node:util';
import { numberFlags, pathFlag } from '../flags';

export interface AlertsBenchOptions {
  /** New-issue latency: errors of this many distinct new groups, one at a time. */
  newIssues: number;
  /** Errors sent per second in the new-issue phase (one at a time, paced). */
  newIssueRate: number;
  /** Metric alert latency: this many p95 rules, each on its own transaction name. */
  rounds: number;
  /** Evaluation load: metric rules created across the projects. */
  rules: number;
  /** Evaluation load: projects the rules and the background traffic are spread over. */
  projects: number;
  /** Evaluation load: measured periods of 10 s (the rules' evaluateEverySeconds). */
  loadPeriods: number;
  /** Evaluation load: background traffic of the load generator, events/s over every project. */
  backgroundRate: number;
  partitions: number;
  seed: number;
  out?: string;
}

export function readAlertsOptions(argv = process.argv.slice(2)): AlertsBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      'new-issues': { type: 'string', default: '40' },
      'new-issue-rate': { type: 'string', default: '4' },
      rounds: { type: 'string', default: '3' },
      rules: { type: 'string', default: '1000' },
      projects: { type: 'string', default: '10' },
      'load-periods': { type: 'string', default: '6' },
      'background-rate': { type: 'string', default: '50' },
      partitions: { type: 'string', default: '4' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
    },
  });
  const num = numberFlags(values);
  return {
    newIssues: num('new-issues', 1, 10_000),
    newIssueRate: num('new-issue-rate', 0.1, 100, false),
    rounds: num('rounds', 1, 50),
    // The store holds a project to 2,000 rules; 10 projects.
    rules: num('rules', 1, 20_000),
    projects: num('projects', 1, 10),
    loadPeriods: num('load-periods', 1, 360),
    backgroundRate: num('background-rate', 1, 5_000, false),
    partitions: num('partitions', 1, 64),
    seed: num('seed', 0, 2 ** 31 - 1),
    out: pathFlag(values.out),
  };
}
