// `node dist/scripts/otlp-descriptor.js` (after `npx tsc -p tsconfig.json && npx tsc-alias -p tsconfig.json`):
// regenerates libs/protocol/src/otlp/otlp-descriptor.json, the protobufjs descriptor of the vendored
// OTLP protos (libs/protocol/proto) that the decoder loads, since @pulse/protocol reads no files at
// run time. otlp-descriptor.spec.ts fails until this has been run after a .proto change.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { otlpDescriptorJson } from '@pulse/protocol/testing';

const root = join(__dirname, '..', '..');
const target = join(root, 'libs/protocol/src/otlp/otlp-descriptor.json');
writeFileSync(target, otlpDescriptorJson(join(root, 'libs/protocol/proto')));
console.log(`otlp-descriptor: wrote ${target}`);
