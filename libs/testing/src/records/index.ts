export * from './dataset-shape';
export * from './record-chunk';
export type { Weighted } from './record-draws';
export * from './record-generator';
export * from './seeded-records';
