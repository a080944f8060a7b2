export { MEMORY_HEADER, memoryBlock, memoryPrompt } from './prompt.ts';
export { MemoryIndex, topK, type MemoryTask, type Recalled, type RetrieverOptions } from './retriever.ts';
