#!/usr/bin/env node
// Copies the non-TypeScript files the compiled code reads at run time (SQL migrations, Kafka's
// Maven build files) next to it in dist/.
'use strict';
const { cpSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
for (const dir of ['libs/storage/migrations', 'libs/state/migrations', 'libs/local-infra/kafka']) {
  if (existsSync(join(root, dir))) cpSync(join(root, dir), join(root, 'dist', dir), { recursive: true });
}
