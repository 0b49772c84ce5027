// The TypeScript implementation of docs/protocol.md; internal/protocol (Go) is the reference and
// testdata/protocol/*.json the shared vectors.
export * from './backup.js';
export * from './bytes.js';
export * from './envelope.js';
export * from './errors.js';
export * from './keys.js';
export * from './link.js';
export * from './registration.js';
export * from './room.js';
export * from './safety.js';
export * from './session.js';
