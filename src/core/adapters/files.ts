/**
 * A repository's adapter as files other tools load, the twin of models/export/adapters/files.py: a llama.cpp GGUF
 * LoRA and a PEFT folder (adapter_model.safetensors, adapter_config.json), each naming the repository, the commit,
 * the method and the base model with its sha256.
 */
import { writeGguf, type GgufValue } from './gguf.ts';
import { ggufTensors, PEFT_MODULE, peftTensors, type LlamaShape, type SharedLora } from './layout.ts';
import { writeSafetensors } from './safetensors.ts';

export interface Provenance {
  repository: string;
  commit: string;
  method: string; // static, evo or single
  base_model: string; // our pinned base's name
  base_model_sha256: string; // of the GGUF file the adapter was made for
  base_model_hub_id: string; // where other tools find the same weights
}

export interface AdapterFiles {
  stem: string;
  gguf: Uint8Array;
  safetensors: Uint8Array;
  adapterConfig: string;
}

const PROVENANCE_KEYS: (keyof Provenance)[] = [
  'repository', 'commit', 'method', 'base_model', 'base_model_sha256', 'base_model_hub_id',
];

export function fileStem(p: Provenance): string {
  const repo = p.repository.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'repository';
  return `${repo}-${p.commit.slice(0, 12) || 'worktree'}-${p.method}`;
}

export function adapterFiles(lora: SharedLora, shape: LlamaShape, provenance: Provenance): AdapterFiles {
  const stem = fileStem(provenance);
  const metadata: [string, GgufValue][] = [
    ['general.type', { kind: 'string', value: 'adapter' }],
    ['general.name', { kind: 'string', value: stem }],
    ['adapter.type', { kind: 'string', value: 'lora' }],
    ['adapter.lora.alpha', { kind: 'float32', value: shape.loraAlpha }],
    ...PROVENANCE_KEYS.map((k): [string, GgufValue] => [`code2lora.${k}`, { kind: 'string', value: provenance[k] }]),
  ];
  const gguf = writeGguf('llama', metadata, ggufTensors(lora, shape));
  const safetensors = writeSafetensors(peftTensors(lora, shape), {
    format: 'pt',
    ...Object.fromEntries(PROVENANCE_KEYS.map((k) => [`code2lora.${k}`, provenance[k]])),
  });
  const adapterConfig = {
    peft_type: 'LORA', task_type: 'CAUSAL_LM', base_model_name_or_path: provenance.base_model_hub_id,
    r: lora.q.a.rows, lora_alpha: shape.loraAlpha, lora_dropout: 0.0, bias: 'none', fan_in_fan_out: false,
    use_rslora: false, inference_mode: true,
    target_modules: Object.values(PEFT_MODULE).map((m) => m.split('.').pop() ?? m).sort(),
    code2lora: Object.fromEntries(PROVENANCE_KEYS.map((k) => [k, provenance[k]])),
  };
  return { stem, gguf, safetensors, adapterConfig: `${JSON.stringify(adapterConfig, null, 1)}\n` };
}
