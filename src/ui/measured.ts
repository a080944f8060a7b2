import type { Method } from '../engine/completer/api.ts';
import results from '../../models/results.json';
import baseResults from '../../models/base/results.json';
import type { ModelSetId } from './modelSets.ts';

/** A method's exact match as measured by the Python pipeline on the benchmark (models/results.json). */
export interface MeasuredEm {
  /** Percent, 0-100. */
  em: number;
  tasks: number;
  repositories: number;
  split: string;
}

/** Each app method and the system that scores it in results.json (the app's base is the pretrained LM). */
const SOURCE: Record<Method, { track: 'static' | 'evolution'; system: string }> = {
  base: { track: 'static', system: 'pretrained' },
  static: { track: 'static', system: 'static' },
  evo: { track: 'evolution', system: 'evo' },
  single: { track: 'static', system: 'single' },
  rag: { track: 'static', system: 'rag' },
  memory: { track: 'static', system: 'tests_memory' },
};

const SPLIT = 'cr_test';

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Where a model set runs a method with another system than SOURCE's: the base set's memory mode uses the LoRA
 * trained on the memory prompt (memory_lora.onnx, made from models/weights/<base>/single_memory.pt).
 */
const SET_SYSTEMS: Record<ModelSetId, Partial<Record<Method, string>>> = {
  code2lora: {},
  base: { memory: 'single_memory' },
};

/**
 * Reads one method's figure, or null where the file lacks it: results.json is the pipeline's output and may be
 * rewritten with another layout, which must cost the hint and not the app.
 */
export function measuredEm(data: unknown, method: Method, systemOverride?: string): MeasuredEm | null {
  const { track } = SOURCE[method];
  const system = systemOverride ?? SOURCE[method].system;
  const root = track === 'static' ? data : field(data, 'evolution');
  const split = field(field(root, 'splits'), SPLIT);
  const mean = field(field(field(field(split, 'systems'), system), 'exact_match'), 'mean');
  const tasks = field(split, 'tasks');
  const repositories = field(split, 'repositories');
  if (typeof mean !== 'number' || typeof tasks !== 'number' || typeof repositories !== 'number') return null;
  return { em: 100 * mean, tasks, repositories, split: SPLIT };
}

/** Each model set's scores: the 5.3M LM's table, and the pretrained base's (models/base/results.json). */
const RESULTS: Record<ModelSetId, unknown> = { code2lora: results, base: baseResults };

/** The figures shipped with this build, for a method of a model set. */
export function shippedEm(method: Method, modelSet: ModelSetId = 'code2lora'): MeasuredEm | null {
  return measuredEm(RESULTS[modelSet], method, SET_SYSTEMS[modelSet][method]);
}
