export * from './routing-partitions.js';
