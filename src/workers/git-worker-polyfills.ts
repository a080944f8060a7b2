import { Buffer } from 'buffer';

// isomorphic-git (and its dependencies) refer to Node's `global` and `Buffer` at module evaluation time.
const scope = globalThis as typeof globalThis & { global?: typeof globalThis; Buffer?: typeof Buffer };
scope.global ||= globalThis;
scope.Buffer ||= Buffer;
