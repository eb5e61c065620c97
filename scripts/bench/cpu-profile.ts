import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { round } from './stats';
import { printRows } from './table';

/**
 * CPU profiles of a benchmarked app over the measured window only. Node 20 refuses --cpu-prof in
 * NODE_OPTIONS, AppProcess runs `node main.js` without extra flags, and a Nest app dies by the
 * signal it re-raises after its shutdown hooks (so --cpu-prof would never write its file anyway).
 * So the app gets this hook through `NODE_OPTIONS=--require=…`: the first SIGWINCH starts the V8
 * sampling profiler (1 ms interval), the next one writes `<name>-<pid>-<time>.cpuprofile` into
 * PULSE_BENCH_CPU_PROF_DIR — the same file format `node --cpu-prof --cpu-prof-dir=DIR` writes,
 * opened the same way (Chrome DevTools, speedscope). SIGWINCH: ignored by default, not taken by
 * Nest (SIGUSR2) or the inspector (SIGUSR1), and the apps' stdout is a pipe, not a terminal.
 */
export function cpuProfileHook(name: string): string {
  return `'use strict';
// Written by the Pulse benchmarks (--cpu-prof-dir); loaded with NODE_OPTIONS=--require.
const { Session } = require('node:inspector');
const { renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const session = new Session();
session.connect();
let running = false;
process.on('SIGWINCH', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start')));
    return;
  }
  running = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) return console.error('cpu profile: ' + error.message);
    const file = join(process.env.PULSE_BENCH_CPU_PROF_DIR, ${JSON.stringify(name)} + '-' + process.pid + '-' + Date.now() + '.cpuprofile');
    writeFileSync(file + '.tmp', JSON.stringify(result.profile));
    renameSync(file + '.tmp', file);
  });
});
`;
}

/** Writes the hook into `stateDir`; returns the NODE_OPTIONS flag and the environment that load it. */
export function installCpuProfileHook(stateDir: string, name: string, profileDir: string): { nodeOption: string; env: Record<string, string> } {
  const file = join(stateDir, `cpu-profile-hook-${name}.js`);
  writeFileSync(file, cpuProfileHook(name));
  return { nodeOption: `--require=${file}`, env: { PULSE_BENCH_CPU_PROF_DIR: profileDir } };
}

/** Profile files of `pid` already written in `dir`. */
export function profilesOf(dir: string, name: string, pid: number): string[] {
  return readdirSync(dir)
    .filter((file) => file.startsWith(`${name}-${pid}-`) && file.endsWith('.cpuprofile'))
    .sort()
    .map((file) => join(dir, file));
}

export interface CpuProfileSummary {
  file: string;
  sampledSeconds: number;
  /** Self time by area: a package, a Pulse lib or app, Node internals, GC, idle. */
  areas: Array<{ area: string; percent: number }>;
  /** Self time by function. */
  functions: Array<{ name: string; percent: number }>;
  /** Inclusive time (the function or anything it called) of Pulse's own functions (apps/, libs/). */
  pulseInclusive: Array<{ name: string; percent: number }>;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1];
  const pulseMatch = /dist\/(apps|libs|scripts)\/([^/]+)\//.exec(url);
  if (pulseMatch) return `${pulseMatch[1]}/${pulseMatch[2]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

function nameOf({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  return `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|dist)\//, '')}:${lineNumber + 1}` : ''}`.trim();
}

/** Self time per area and per function, and Pulse functions' inclusive time, from a .cpuprofile. */
export function summarizeCpuProfile(file: string, top = 15): CpuProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    const node = nodes.get(id)!;
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    const name = nameOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + micros);
    functions.set(name, (functions.get(name) ?? 0) + micros);
    total += micros;
    // Each Pulse function on the stack once per sample (recursion counted once).
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at)!.callFrame;
      if (!/dist\/(apps|libs)\//.test(frame.url)) continue;
      const frameName = nameOf(frame);
      if (seen.has(frameName)) continue;
      seen.add(frameName);
      inclusive.set(frameName, (inclusive.get(frameName) ?? 0) + micros);
    }
  });
  const topOf = (map: Map<string, number>, count: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, micros]) => ({ key, percent: round((micros / total) * 100, 1) }));
  return {
    file: relative(process.cwd(), file) || file,
    sampledSeconds: round(total / 1e6, 2),
    areas: topOf(areas, top).map(({ key, percent }) => ({ area: key, percent })),
    functions: topOf(functions, top).map(({ key, percent }) => ({ name: key, percent })),
    pulseInclusive: topOf(inclusive, top).map(({ key, percent }) => ({ name: key, percent })),
  };
}

export function printCpuProfileSummary(summary: CpuProfileSummary): void {
  const table = (rows: Array<[string, number]>): void => printRows(rows.map(([label, percent]) => [label, `${percent.toFixed(1).padStart(5)} %`]));
  console.log(`CPU profile ${summary.file} (${summary.sampledSeconds} s sampled)`);
  console.log('self time by area:');
  table(summary.areas.map(({ area, percent }) => [area, percent]));
  console.log('self time by function:');
  table(summary.functions.map(({ name, percent }) => [name, percent]));
  console.log('inclusive time of Pulse functions (apps/, libs/):');
  table(summary.pulseInclusive.map(({ name, percent }) => [name, percent]));
}
