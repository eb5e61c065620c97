// Summarizes .cpuprofile files (self time by area and function, Pulse functions' inclusive time):
//   node dist/scripts/bench/summarize-cpu-profile.js FILE.cpuprofile [MORE…] [--top 15]
import { parseArgs } from 'node:util';
import { printCpuProfileSummary, summarizeCpuProfile } from './cpu-profile';
import { numberFlag, UsageError } from './flags';
import { runMain } from './run-main';

runMain('summarize-cpu-profile', async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '15' } } });
  if (positionals.length === 0) throw new UsageError('usage: node dist/scripts/bench/summarize-cpu-profile.js FILE.cpuprofile [MORE…] [--top N]');
  const top = numberFlag('top', values.top, 1, 1000);
  for (const file of positionals) {
    printCpuProfileSummary(summarizeCpuProfile(file, top));
    console.log('');
  }
  return 0;
});
