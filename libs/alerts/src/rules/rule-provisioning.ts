import { withTransaction } from '@pulse/state';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Pool, PoolClient } from 'pg';
import { parse as parseYaml } from 'yaml';
import type { AlertRuleDefinition } from './alert-rule';
import { deleteRule, insertRule, lockProjectRules, MAX_RULES_PER_PROJECT, ruleCounts, updateRule } from './alert-rule.store';
import { isJsonObject } from './rule-fields';
import { ALERT_RULE_COLUMNS, AlertRuleRow, ruleOfRow } from './rule-rows';
import { restoreSecrets } from './rule-secrets';
import { AlertRuleError, parseAlertRule } from './rule-validation';

/**
 * Alert rules from a file, for GitOps (Grafana's alerting provisioning):
 *
 *   apiVersion: 1
 *   rules:
 *     - projectId: 1
 *       name: checkout p95
 *       kind: metric
 *       …                       # the rule definition, as POST …/alert-rules takes it
 *   deleteRules:                # optional: provisioned rules to remove (from any file)
 *     - { projectId: 1, name: old rule }
 *
 * YAML or JSON (JSON is YAML). A rule is identified by (projectId, name); the file is the source of
 * its rules: the API refuses to change them, and a rule provisioned from this file that is no
 * longer in it is deleted. The file is applied whole, in one transaction, or not at all: any
 * invalid rule (the error names its index, project, name and problems) applies nothing. A rule
 * whose definition did not change keeps its version and evaluation state; a changed one gets
 * version + 1 and starts from OK, as an API replace does. Files hold real secrets: "[redacted]" is
 * refused. A name already provisioned from another file is refused rather than taken over.
 */

export interface ProvisioningResult {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

export class ProvisioningError extends Error {
  constructor(
    readonly path: string,
    readonly problems: string[],
  ) {
    super(`alert rule provisioning file ${path} was not applied: ${problems.join('; ')}`);
    this.name = 'ProvisioningError';
  }
}

/** Who created a provisioned rule (alert_rules.created_by). */
export const PROVISIONING_ACTOR = 'provisioning';

interface FileRule {
  projectId: number;
  definition: AlertRuleDefinition;
}

interface ProvisioningFile {
  rules: FileRule[];
  deleteRules: Array<{ projectId: number; name: string }>;
}

export async function provisionAlertRules(pool: Pool, path: string): Promise<ProvisioningResult> {
  const source = resolve(path);
  const file = parseProvisioningFile(source, await readFile(source, 'utf8'));
  return withTransaction(pool, (client) => applyFile(client, source, file));
}

/** The checked content of a provisioning file; ProvisioningError naming every problem otherwise. */
export function parseProvisioningFile(path: string, text: string): ProvisioningFile {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ProvisioningError(path, [`not YAML or JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  if (!isJsonObject(document)) throw new ProvisioningError(path, ['the file must hold an object with apiVersion and rules']);
  const problems: string[] = [];
  const unknown = Object.keys(document).filter((key) => !['apiVersion', 'rules', 'deleteRules'].includes(key));
  if (unknown.length > 0) problems.push(`${unknown.join(', ')}: not a field of a provisioning file (known: apiVersion, rules, deleteRules)`);
  if (document.apiVersion !== 1) problems.push('apiVersion must be 1');
  const rules = listOf(document, 'rules', problems).flatMap((entry, index) => fileRuleOf(entry, index, problems));
  const deleteRules = listOf(document, 'deleteRules', problems).flatMap((entry, index) => {
    const key = ruleKeyOf(entry);
    if (key === undefined) problems.push(`deleteRules[${index}] must be {projectId: <positive integer>, name: <string>} and nothing else`);
    return key === undefined ? [] : [key];
  });
  const seen = new Set<string>();
  for (const [index, rule] of rules.entries()) {
    const key = JSON.stringify([rule.projectId, rule.definition.name]);
    if (seen.has(key)) problems.push(`rules[${index}] (project ${rule.projectId}, ${JSON.stringify(rule.definition.name)}): another rule of the file has this project and name`);
    seen.add(key);
  }
  for (const [index, key] of deleteRules.entries()) {
    if (seen.has(JSON.stringify([key.projectId, key.name]))) problems.push(`deleteRules[${index}] (project ${key.projectId}, ${JSON.stringify(key.name)}) is also in rules`);
  }
  if (problems.length > 0) throw new ProvisioningError(path, problems);
  return { rules, deleteRules };
}

function listOf(document: Record<string, unknown>, field: 'rules' | 'deleteRules', problems: string[]): unknown[] {
  const value = document[field];
  if (value === undefined || value === null) {
    if (field === 'rules') problems.push('rules must be a list (it may be empty)');
    return [];
  }
  if (!Array.isArray(value)) {
    problems.push(`${field} must be a list`);
    return [];
  }
  return value;
}

function fileRuleOf(entry: unknown, index: number, problems: string[]): FileRule[] {
  if (!isJsonObject(entry)) {
    problems.push(`rules[${index}] must be an object`);
    return [];
  }
  const { projectId, ...rest } = entry;
  const label = `rules[${index}] (project ${JSON.stringify(projectId ?? null)}, ${JSON.stringify(rest.name ?? null)})`;
  const ruleProblems: string[] = [];
  if (!isProjectId(projectId)) ruleProblems.push('projectId must be a positive integer');
  let definition: AlertRuleDefinition | undefined;
  try {
    definition = restoreSecrets(parseAlertRule(rest), undefined);
  } catch (error) {
    if (!(error instanceof AlertRuleError)) throw error;
    ruleProblems.push(...error.problems);
  }
  if (ruleProblems.length > 0 || definition === undefined || !isProjectId(projectId)) {
    problems.push(`${label}: ${ruleProblems.join('; ')}`);
    return [];
  }
  return [{ projectId, definition }];
}

function ruleKeyOf(entry: unknown): { projectId: number; name: string } | undefined {
  if (!isJsonObject(entry) || Object.keys(entry).some((key) => key !== 'projectId' && key !== 'name')) return undefined;
  const { projectId, name } = entry;
  return isProjectId(projectId) && typeof name === 'string' && name.length > 0 ? { projectId, name } : undefined;
}

function isProjectId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

async function applyFile(client: PoolClient, source: string, file: ProvisioningFile): Promise<ProvisioningResult> {
  const projects = [...file.rules.map((rule) => rule.projectId), ...file.deleteRules.map((key) => key.projectId)];
  const { rows: ownRows } = await client.query<{ project_id: string }>('SELECT DISTINCT project_id FROM alert_rules WHERE provisioned_from = $1', [source]);
  await lockProjectRules(client, [...projects, ...ownRows.map((row) => Number(row.project_id))]);

  const { rows } = await client.query<AlertRuleRow>(
    `SELECT ${ALERT_RULE_COLUMNS} FROM alert_rules WHERE provisioned_from IS NOT NULL AND (provisioned_from = $1 OR project_id = ANY($2::bigint[])) FOR UPDATE`,
    [source, projects],
  );
  const provisioned = new Map(rows.map((row) => ruleOfRow(row)).map((rule) => [JSON.stringify([rule.projectId, rule.definition.name]), rule]));
  const result: ProvisioningResult = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
  const kept = new Set<number>();
  const problems: string[] = [];
  const toWrite: Array<() => Promise<void>> = [];
  for (const [index, { projectId, definition }] of file.rules.entries()) {
    const existing = provisioned.get(JSON.stringify([projectId, definition.name]));
    if (existing === undefined) {
      toWrite.push(async () => {
        await insertRule(client, projectId, definition, PROVISIONING_ACTOR, source);
        result.created += 1;
      });
    } else if (existing.provisionedFrom !== source) {
      problems.push(`rules[${index}] (project ${projectId}, ${JSON.stringify(definition.name)}): already provisioned from ${existing.provisionedFrom}; delete it there (or with deleteRules) first`);
    } else {
      kept.add(existing.id);
      if (isDeepStrictEqual(existing.definition, definition)) {
        result.unchanged += 1;
      } else {
        toWrite.push(async () => {
          await updateRule(client, existing.id, definition);
          result.updated += 1;
        });
      }
    }
  }
  if (problems.length > 0) throw new ProvisioningError(source, problems);

  const deleteKeys = new Set(file.deleteRules.map((key) => JSON.stringify([key.projectId, key.name])));
  for (const [key, rule] of provisioned) {
    const dropped = rule.provisionedFrom === source && !kept.has(rule.id);
    if (dropped || deleteKeys.has(key)) {
      await deleteRule(client, rule.id);
      result.deleted += 1;
    }
  }
  for (const write of toWrite) await write();
  await checkRuleLimits(client, source, [...new Set(projects)]);
  return result;
}

async function checkRuleLimits(client: PoolClient, source: string, projectIds: number[]): Promise<void> {
  const over = [...(await ruleCounts(client, projectIds))].filter(([, count]) => count > MAX_RULES_PER_PROJECT);
  if (over.length > 0) {
    throw new ProvisioningError(source, over.map(([projectId, count]) => `project ${projectId} would have ${count} alert rules, more than ${MAX_RULES_PER_PROJECT}`));
  }
}
