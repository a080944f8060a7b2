import { ModelError, describeError } from './errors.ts';
import type { Manifest, ManifestFile } from './types.ts';

/** The manifest format versions this app understands. */
export const SUPPORTED_MANIFEST_VERSIONS: readonly number[] = [1];

const SHA256_HEX = /^[0-9a-f]{64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(message: string): ModelError {
  return new ModelError('bad-manifest', `manifest.json: ${message}`);
}

function parseShapes(value: unknown, where: string): Record<string, (number | string)[]> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw bad(`${where} must be an object of shapes`);
  const shapes: Record<string, (number | string)[]> = {};
  for (const [name, shape] of Object.entries(value)) {
    const ok = Array.isArray(shape) && shape.every((d) => typeof d === 'string' || (Number.isInteger(d) && d >= 0));
    if (!ok) throw bad(`${where}.${name} must be a list of sizes or axis names`);
    shapes[name] = shape as (number | string)[];
  }
  return shapes;
}

/**
 * A file's path must stay inside the manifest's directory: no absolute URLs, no `..`, no leading slash, so a
 * manifest cannot make the app fetch from somewhere else.
 */
function isContainedRelativePath(path: string): boolean {
  if (path.length === 0 || path.startsWith('/') || path.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(path)) return false;
  return path.split('/').every((part) => part !== '..' && part !== '' && part !== '.');
}

function parseFile(name: string, value: unknown): ManifestFile {
  if (!isRecord(value)) throw bad(`files.${name} must be an object`);
  const { path, sha256, bytes } = value;
  if (typeof path !== 'string' || !isContainedRelativePath(path)) {
    throw bad(`files.${name}.path must be a relative path inside the manifest's directory`);
  }
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
    throw bad(`files.${name}.sha256 must be 64 lower-case hex digits`);
  }
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
    throw bad(`files.${name}.bytes must be a non-negative integer`);
  }
  const file: ManifestFile = { path, sha256, bytes };
  const inputs = parseShapes(value.inputs, `files.${name}.inputs`);
  const outputs = parseShapes(value.outputs, `files.${name}.outputs`);
  if (inputs) file.inputs = inputs;
  if (outputs) file.outputs = outputs;
  return file;
}

function optionalRecord(value: unknown, where: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw bad(`${where} must be an object`);
  return value;
}

/** Parses and validates manifest text; anything malformed is a ModelError('bad-manifest'). */
export function parseManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelError('bad-manifest', `manifest.json is not valid JSON: ${describeError(error)}`, { cause: error });
  }
  if (!isRecord(raw)) throw bad('the top level must be an object');
  const { version, files } = raw;
  if (typeof version !== 'number' || !SUPPORTED_MANIFEST_VERSIONS.includes(version)) {
    throw bad(`unsupported version ${JSON.stringify(version)} (this app reads ${SUPPORTED_MANIFEST_VERSIONS.join(', ')})`);
  }
  if (!isRecord(files) || Object.keys(files).length === 0) throw bad('files must be a non-empty object');
  const manifest: Manifest = { version, files: {} };
  for (const [name, file] of Object.entries(files)) manifest.files[name] = parseFile(name, file);
  const config = optionalRecord(raw.config, 'config');
  const metrics = optionalRecord(raw.metrics, 'metrics');
  const data = optionalRecord(raw.data, 'data');
  if (config) manifest.config = config;
  if (metrics) manifest.metrics = metrics;
  if (data) manifest.data = data;
  return manifest;
}

/** Names of the ONNX graphs a manifest lists. */
export function graphNames(manifest: Manifest): string[] {
  return Object.entries(manifest.files)
    .filter(([, file]) => file.path.endsWith('.onnx'))
    .map(([name]) => name)
    .sort();
}

/** The absolute URL of a manifest entry: paths are relative to the manifest's own URL. */
export function fileUrl(manifestUrl: string, file: ManifestFile): string {
  return new URL(file.path, manifestUrl).href;
}
