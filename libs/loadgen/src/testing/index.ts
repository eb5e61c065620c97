export * from './generate';
export * from './pulse-reader';
