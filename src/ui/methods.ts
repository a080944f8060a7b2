import type { Method } from '../engine/completer/api.ts';

/** Every completion method of the app; each model set offers some of them (src/ui/modelSets.ts). */
export const METHODS: readonly Method[] = ['base', 'static', 'evo', 'single', 'rag', 'memory'];

export const METHOD_LABEL: Record<Method, string> = {
  base: 'Base model',
  static: 'Code2LoRA-Static',
  evo: 'Code2LoRA-Evo',
  single: 'Single shared LoRA',
  rag: 'RAG (k=3)',
  memory: 'Repository tests in prompt (k=3)',
};
