"""The repository's adapter as files other tools load: a llama.cpp GGUF LoRA and a PEFT safetensors folder."""
