#!/usr/bin/env node
// Deletes compiled files in dist/ whose TypeScript source no longer exists. The build is
// incremental (tsc never removes outputs), so a module moved or deleted would otherwise stay in
// dist/ and win Node's resolution: `./grouping` finds a stale grouping.js before grouping/index.js.
'use strict';
const { existsSync, readdirSync, rmSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const COMPILED = /\.(js|js\.map|d\.ts)$/;

function prune(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      continue;
    }
    if (!COMPILED.test(name)) continue;
    const source = join(root, relative(dist, path)).replace(COMPILED, '.ts');
    if (!existsSync(source)) rmSync(path);
  }
}

for (const top of ['apps', 'libs', 'scripts', 'test']) {
  if (existsSync(join(dist, top))) prune(join(dist, top));
}
