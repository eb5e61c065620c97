export * from './binary-row-writer';
export * from './columns';
export * from './row-binary-buffer';
export * from './table-encoders';
