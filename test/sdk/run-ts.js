// Runs a TypeScript file of test/sdk (or any .ts in the repo) with Node: esbuild bundles it with
// its relative imports into .local/run-ts/<name>.cjs (packages stay external, resolved from the
// repo's node_modules), then it runs with the remaining arguments.
//
//   node test/sdk/run-ts.js test/sdk/record-fixtures.ts [args ...]
const { buildSync } = require('esbuild');
const { basename, join, resolve } = require('node:path');

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node test/sdk/run-ts.js <file.ts> [args ...]');
  process.exit(2);
}
const root = resolve(__dirname, '..', '..');
const outfile = join(root, '.local', 'run-ts', `${basename(entry).replace(/\.ts$/, '')}.cjs`);
buildSync({
  entryPoints: [resolve(entry)],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
});
process.argv = [process.argv[0], outfile, ...args];
require(outfile);
