import type { Method } from '../engine/completer/api.ts';

/** The app's completion methods, in the order the mode switch and the tables list them. */
export const METHODS: readonly Method[] = ['base', 'static', 'evo', 'rag'];

export const METHOD_LABEL: Record<Method, string> = {
  base: 'Base model',
  static: 'Code2LoRA-Static',
  evo: 'Code2LoRA-Evo',
  rag: 'RAG (k=3)',
};
