export { adapterFiles, fileStem, type AdapterFiles, type Provenance } from './files.ts';
export { LORA_TARGETS, permuteRows, type LlamaShape, type LoraTarget, type Matrix, type SharedLora } from './layout.ts';
