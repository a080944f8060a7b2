import { Tokenizer } from '@huggingface/tokenizers';

/** The special tokens the pipeline needs by role (models/tokenizer/special_tokens.py); PAD is optional. */
export const END_OF_TEXT = '<|endoftext|>';
export const PAD = '<|pad|>';

/** The subset of a Hugging Face tokenizer.json that we rely on being there. */
export interface TokenizerJson {
  model: { type: string; vocab: Record<string, number>; merges: unknown[] };
  added_tokens: { id: number; content: string; special: boolean }[];
  [key: string]: unknown;
}

function isTokenizerJson(value: unknown): value is TokenizerJson {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const model = record.model as Record<string, unknown> | undefined;
  return (
    typeof model === 'object' &&
    model !== null &&
    model.type === 'BPE' &&
    typeof model.vocab === 'object' &&
    Array.isArray(model.merges) &&
    Array.isArray(record.added_tokens)
  );
}

/**
 * The code LM's byte-level BPE tokenizer: `@huggingface/tokenizers` over our tokenizer.json, with the options code
 * needs (no "clean up" of spaces before punctuation when decoding, which would change Python source).
 */
export class CodeTokenizer {
  readonly vocabSize: number;
  readonly endOfTextId: number;
  readonly padId: number;
  private readonly tokenizer: Tokenizer;

  private constructor(spec: TokenizerJson) {
    this.tokenizer = new Tokenizer(spec, { clean_up_tokenization_spaces: false });
    const ids = [...Object.values(spec.model.vocab), ...spec.added_tokens.map((t) => t.id)];
    this.vocabSize = Math.max(...ids) + 1;
    this.endOfTextId = this.requireId(END_OF_TEXT);
    // A pretrained base's vocabulary may have no padding token (SmolLM2's has none); padded positions are never
    // attended to or scored, so end of text serves (as in models/static/tokens.py).
    this.padId = this.tokenizer.token_to_id(PAD) ?? this.endOfTextId;
  }

  /** Builds the tokenizer from tokenizer.json text (or its parsed value); throws on anything else. */
  static fromJson(json: string | unknown): CodeTokenizer {
    const value: unknown = typeof json === 'string' ? JSON.parse(json) : json;
    if (!isTokenizerJson(value)) throw new Error('tokenizer.json: expected a BPE model with added_tokens');
    return new CodeTokenizer(value);
  }

  private requireId(token: string): number {
    const id = this.tokenizer.token_to_id(token);
    if (id === undefined) throw new Error(`tokenizer.json lacks the special token ${token}`);
    return id;
  }

  /** Token ids of `text`. Special-token strings inside the text become their special ids. */
  encode(text: string): number[] {
    if (text.length === 0) return [];
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** Text of `ids`; special tokens are dropped when `skipSpecial` is set. */
  decode(ids: readonly number[], skipSpecial = false): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode([...ids], { skip_special_tokens: skipSpecial, clean_up_tokenization_spaces: false });
  }

  /** The token string of one id (ByteLevel characters), for display and debugging. */
  tokenOf(id: number): string | undefined {
    return this.tokenizer.id_to_token(id);
  }
}
