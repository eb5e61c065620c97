import type { GroupingConfig, GroupingSource } from './grouping-source';
import { pulse2026_06 } from './pulse-2026-06-input';
import { pulse2026_12 } from './pulse-2026-12';

/**
 * Versioned grouping configs (docs/issues.md, "Grouping"). A released config never changes: a
 * better algorithm is a new config. Every error is hashed with the current config and with the
 * previous one; the issue processor links both hashes to one issue, so an issue created under the
 * previous config keeps receiving its events after the switch.
 */
/** Oldest first: each config's predecessor is the one before it. */
const CONFIG_ORDER: readonly GroupingConfig[] = [pulse2026_06, pulse2026_12];
export const GROUPING_CONFIGS: ReadonlyMap<string, GroupingConfig> = new Map(CONFIG_ORDER.map((config) => [config.id, config]));
export const CURRENT_GROUPING_CONFIG = pulse2026_12.id;
/** The config before the current one: its hash is the secondary fingerprint. */
export const SECONDARY_GROUPING_CONFIG = pulse2026_06.id;

/**
 * The config a record's secondary fingerprint was computed with, given the config of its
 * fingerprint: the one before it. A config this build does not know (a record of a newer ingest)
 * is named `previous:<id>`.
 */
export function previousGroupingConfigOf(groupingConfig: string): string {
  const index = CONFIG_ORDER.findIndex((config) => config.id === groupingConfig);
  return index > 0 ? CONFIG_ORDER[index - 1].id : `previous:${groupingConfig}`;
}
/** The current config's id (what ErrorRecord.groupingConfig holds). */
export const GROUPING_CONFIG = CURRENT_GROUPING_CONFIG;

export interface GroupingResult {
  groupingConfig: string;
  fingerprint: string;
  /** The secondary config's hash when it differs from `fingerprint`, else ''. */
  secondaryFingerprint: string;
}

/** The current and the secondary fingerprint of one error. */
export function computeGrouping(source: GroupingSource): GroupingResult {
  const fingerprint = pulse2026_12.fingerprint(source);
  const secondary = pulse2026_06.fingerprint(source);
  return { groupingConfig: CURRENT_GROUPING_CONFIG, fingerprint, secondaryFingerprint: secondary === fingerprint ? '' : secondary };
}

export type { GroupingConfig, GroupingSource } from './grouping-source';
export { FRAME_RULES, frameCanGroup, platformFamily, resolveInApp } from './frame-rules';
export type { FrameRule, PlatformFamily, RuleFrame } from './frame-rules';
export { normalizeMessageForGrouping, parameterize } from './parameterize';
