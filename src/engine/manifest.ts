import { ModelError, describeError } from './errors.ts';
import type { ExternalFormat, ExternalTensor, ExternalWeights, Manifest, ManifestFile } from './types.ts';

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

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseExternalTensor(value: unknown, where: string, format: ExternalFormat): ExternalTensor {
  if (!isRecord(value)) throw bad(`${where} must be an object`);
  const { tensor, kind, rows, cols, transpose, blocks_offset: blocksOffset, data_offset: dataOffset } = value;
  if (typeof tensor !== 'string' || tensor.length === 0) throw bad(`${where}.tensor must be a name`);
  if (kind !== 'Q4_1' && kind !== 'Q8_0') throw bad(`${where}.kind must be Q4_1 or Q8_0`);
  if (!isCount(rows) || !isCount(cols) || cols % 32 !== 0) throw bad(`${where}: rows and cols must be counts, cols a multiple of 32`);
  if (typeof transpose !== 'boolean') throw bad(`${where}.transpose must be true or false`);
  if (!isCount(blocksOffset) || !isCount(dataOffset)) throw bad(`${where}: offsets must be non-negative integers`);
  if (format === 'float32') return { tensor, kind, rows, cols, transpose, blocksOffset, dataOffset };
  if (format === 'q4-nbits') return parseQ4Tensor(value, where, { tensor, kind, rows, cols, transpose, blocksOffset, dataOffset });
  const { scale_offset: scaleOffset, colsum_offset: colsumOffset } = value;
  if (!isCount(scaleOffset) || !isCount(colsumOffset) || scaleOffset % 4 !== 0 || colsumOffset % 4 !== 0) {
    throw bad(`${where}: scale_offset and colsum_offset must be non-negative multiples of 4`);
  }
  // One scale per graph column, and the graph holds the weight as [cols, rows]: each blocks row is a column.
  if (!transpose) throw bad(`${where}: an int8-columns tensor must be stored transposed`);
  return { tensor, kind, rows, cols, transpose, blocksOffset, dataOffset, scaleOffset, colsumOffset };
}

/** A 'q4-nbits' tensor: a Q4_1 weight as 4-bit codes with its block scales and offsets, any other as float32. */
function parseQ4Tensor(value: Record<string, unknown>, where: string, t: ExternalTensor): ExternalTensor {
  if (t.kind !== 'Q4_1') return t;
  const { scale_offset: scaleOffset, min_offset: minOffset } = value;
  if (!isCount(scaleOffset) || !isCount(minOffset) || scaleOffset % 4 !== 0 || minOffset % 4 !== 0) {
    throw bad(`${where}: scale_offset and min_offset must be non-negative multiples of 4`);
  }
  // MatMulNBits reads a weight as [outputs, blocks]: each blocks row is one output, so the graph's B is transposed.
  if (!t.transpose) throw bad(`${where}: a q4-nbits tensor must be stored transposed`);
  return { ...t, scaleOffset, minOffset };
}

/** The bytes a tensor's parts take in the external data, [start, end) each. */
function externalSpans(t: ExternalTensor, format: ExternalFormat): [number, number][] {
  if (format === 'q4-nbits' && t.kind === 'Q4_1') {
    const blocks = (t.rows * t.cols) / 32;
    return [
      [t.dataOffset, t.dataOffset + t.rows * t.cols / 2],
      [t.scaleOffset ?? 0, (t.scaleOffset ?? 0) + 4 * blocks],
      [t.minOffset ?? 0, (t.minOffset ?? 0) + 4 * blocks],
    ];
  }
  if (format === 'float32' || format === 'q4-nbits') return [[t.dataOffset, t.dataOffset + 4 * t.rows * t.cols]];
  return [
    [t.dataOffset, t.dataOffset + t.rows * t.cols],
    [t.scaleOffset ?? 0, (t.scaleOffset ?? 0) + 4 * t.rows],
    [t.colsumOffset ?? 0, (t.colsumOffset ?? 0) + 4 * t.rows],
  ];
}

function parseExternal(value: unknown, where: string): ExternalWeights | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw bad(`${where} must be an object`);
  const { location, blocks_file: blocksFile, bytes, tensors, format = 'float32' } = value;
  if (format !== 'float32' && format !== 'int8-columns' && format !== 'q4-nbits') {
    throw bad(`${where}.format must be float32, int8-columns or q4-nbits`);
  }
  if (typeof location !== 'string' || !isContainedRelativePath(location)) throw bad(`${where}.location must be a file name`);
  if (typeof blocksFile !== 'string') throw bad(`${where}.blocks_file must name a manifest file`);
  if (!isCount(bytes)) throw bad(`${where}.bytes must be a non-negative integer`);
  if (!Array.isArray(tensors)) throw bad(`${where}.tensors must be a list`);
  const parsed = tensors.map((t, i) => parseExternalTensor(t, `${where}.tensors[${i}]`, format));
  for (const t of parsed) {
    if (externalSpans(t, format).some(([, end]) => end > bytes)) {
      throw bad(`${where}: ${t.tensor} runs past the data's ${bytes} bytes`);
    }
  }
  return { location, blocksFile, bytes, format, tensors: parsed };
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
  const external = parseExternal(value.external, `files.${name}.external`);
  if (inputs) file.inputs = inputs;
  if (outputs) file.outputs = outputs;
  if (external) file.external = external;
  if (value.on_wasm !== undefined) {
    if (typeof value.on_wasm !== 'string') throw bad(`files.${name}.on_wasm must name a manifest file`);
    file.onWasm = value.on_wasm;
  }
  if (value.on_webgpu !== undefined) {
    if (typeof value.on_webgpu !== 'string') throw bad(`files.${name}.on_webgpu must name a manifest file`);
    file.onWebgpu = value.on_webgpu;
  }
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
  for (const [name, file] of Object.entries(manifest.files)) {
    for (const [key, twin] of [['on_wasm', file.onWasm], ['on_webgpu', file.onWebgpu]] as const) {
      if (twin !== undefined && !(twin in manifest.files)) {
        throw bad(`files.${name}.${key} names ${JSON.stringify(twin)}, which the manifest does not list`);
      }
    }
    const source = file.external?.blocksFile;
    if (source !== undefined && !(source in manifest.files)) {
      throw bad(`files.${name}.external.blocks_file names ${JSON.stringify(source)}, which the manifest does not list`);
    }
  }
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
