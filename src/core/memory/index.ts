export { MEMORY_HEADER, memoryBlock, memoryPrompt } from './prompt.ts';
export { topK, type MemoryTask, type Recalled } from './retriever.ts';
