#!/usr/bin/env node
// Installs node_modules from the lockfile when they are missing or older than the lockfile.
// `npm install` rather than `npm ci`: the lockfile pins every version, but registries that
// serve only this platform's optional binaries (swc, chdb) leave the other platforms' entries out
// of it, and `npm ci` refuses such a lockfile.
// Plain JavaScript on purpose: it runs before any dependency (TypeScript included) exists.
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { execSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const lock = readFileSync(join(root, 'package-lock.json'));
const wanted = createHash('sha256').update(lock).digest('hex');
const stamp = join(root, 'node_modules', '.pulse-lock-sha256');

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) process.exit(0);
console.log('pulse: installing dependencies from package-lock.json…');
execSync('npm install --no-audit --no-fund --loglevel=error', { cwd: root, stdio: 'inherit' });
writeFileSync(stamp, wanted);
