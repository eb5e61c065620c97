// Summarizes .cpuprofile files (self time by area and function, Pulse functions' inclusive time):
//   node dist/scripts/bench/summarize-cpu-profile.js FILE.cpuprofile [MORE…] [--top 15]
import { parseArgs } from 'node:util';
import { printCpuProfileSummary, summarizeCpuProfile } from './cpu-profile';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '15' } } });
if (positionals.length === 0) {
  console.error('usage: node dist/scripts/bench/summarize-cpu-profile.js FILE.cpuprofile [MORE…] [--top N]');
  process.exit(2);
}
for (const file of positionals) {
  printCpuProfileSummary(summarizeCpuProfile(file, Number(values.top)));
  console.log('');
}
