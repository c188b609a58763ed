import { writeFile } from 'node:fs/promises';

export interface WriteRandomGgufOptions {
  /** Seed of the weights: the same seed writes the same bytes. */
  seed?: number;
  /** Stored as `tokenizer.chat_template` (Jinja); none where missing. */
  chatTemplate?: string;
  /**
   * 'suppressed' (the default) gives <s>, </s> and <unk> hugely negative logits, so generation
   * only ends on max tokens, a stop string or an abort and tests can count on exact lengths.
   * 'possible' lets the model emit </s> like any other token.
   */
  endOfSequence?: 'suppressed' | 'possible';
  /** `llama.context_length`; 1024 where missing. */
  contextLength?: number;
}

export interface RandomGgufInfo {
  path: string;
  vocabularySize: number;
  embeddingLength: number;
  contextLength: number;
  bytes: number;
}

const embeddingLength = 64;
const blockCount = 2;
const headCount = 4;
const feedForwardLength = 128;
const alignment = 32;
/** Residual dimension 0 carries this constant for every token, so the final norm always sees it. */
const anchor = 16;

const words = [
  'the', 'a', 'to', 'of', 'and', 'is', 'in', 'it', 'you', 'that', 'he', 'was', 'for', 'on', 'are', 'with', 'as', 'his', 'they', 'be', 'at', 'one', 'have',
  'this', 'from', 'or', 'had', 'by', 'hello', 'world', 'llama', 'model', 'token', 'stop', 'word', 'user', 'assistant', 'system', 'random', 'weights',
];

/**
 * Writes a tiny llama-architecture GGUF (v3) with random F32 weights: 2 layers, 64-wide
 * embeddings, a llama SPM vocabulary with <unk>, <s>, </s>, the 256 byte-fallback tokens and a
 * few hundred word pieces. llama.cpp loads it, tokenises, generates (gibberish) and embeds without
 * any download, so tests exercise the real runtime.
 */
export async function writeRandomGguf(path: string, options: WriteRandomGgufOptions = {}): Promise<RandomGgufInfo> {
  const contextLength = options.contextLength ?? 1024;
  const suppressEnd = (options.endOfSequence ?? 'suppressed') === 'suppressed';
  const random = mulberry32(options.seed ?? 42);
  const uniform = (scale: number): number => (random() * 2 - 1) * scale;

  const vocabulary = buildVocabulary();
  const vocabularySize = vocabulary.tokens.length;

  const metadata: MetadataEntry[] = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'keel-random-llama' }],
    ['general.alignment', { type: 'uint32', value: alignment }],
    ['general.file_type', { type: 'uint32', value: 0 }],
    ['llama.vocab_size', { type: 'uint32', value: vocabularySize }],
    ['llama.context_length', { type: 'uint32', value: contextLength }],
    ['llama.embedding_length', { type: 'uint32', value: embeddingLength }],
    ['llama.block_count', { type: 'uint32', value: blockCount }],
    ['llama.feed_forward_length', { type: 'uint32', value: feedForwardLength }],
    ['llama.attention.head_count', { type: 'uint32', value: headCount }],
    ['llama.attention.head_count_kv', { type: 'uint32', value: headCount }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: 1e-5 }],
    ['llama.rope.dimension_count', { type: 'uint32', value: embeddingLength / headCount }],
    ['llama.rope.freq_base', { type: 'float32', value: 10000 }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'strings', value: vocabulary.tokens }],
    ['tokenizer.ggml.scores', { type: 'float32s', value: vocabulary.scores }],
    ['tokenizer.ggml.token_type', { type: 'int32s', value: vocabulary.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'uint32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'uint32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'uint32', value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];
  if (options.chatTemplate !== undefined) metadata.push(['tokenizer.chat_template', { type: 'string', value: options.chatTemplate }]);

  // ggml shapes list the innermost (contiguous) dimension first: a [in, out] matrix stores `out` rows of `in` floats.
  const tensors: Tensor[] = [];
  const matrix = (name: string, inner: number, outer: number, fill: (row: number, column: number) => number): void => {
    const data = new Float32Array(inner * outer);
    for (let row = 0; row < outer; row += 1) for (let column = 0; column < inner; column += 1) data[row * inner + column] = fill(row, column);
    tensors.push({ name, shape: [inner, outer], data });
  };
  const ones = (name: string): void => {
    tensors.push({ name, shape: [embeddingLength], data: new Float32Array(embeddingLength).fill(1) });
  };

  matrix('token_embd.weight', embeddingLength, vocabularySize, (_token, column) => (column === 0 ? anchor : uniform(1)));
  for (let block = 0; block < blockCount; block += 1) {
    const attentionScale = 1 / Math.sqrt(embeddingLength);
    ones(`blk.${block}.attn_norm.weight`);
    matrix(`blk.${block}.attn_q.weight`, embeddingLength, embeddingLength, () => uniform(attentionScale * 4));
    matrix(`blk.${block}.attn_k.weight`, embeddingLength, embeddingLength, () => uniform(attentionScale * 4));
    matrix(`blk.${block}.attn_v.weight`, embeddingLength, embeddingLength, () => uniform(attentionScale * 4));
    // Row 0 of every projection back into the residual stays zero so that the anchor survives the layers.
    matrix(`blk.${block}.attn_output.weight`, embeddingLength, embeddingLength, (row) => (row === 0 ? 0 : uniform(attentionScale)));
    ones(`blk.${block}.ffn_norm.weight`);
    matrix(`blk.${block}.ffn_gate.weight`, embeddingLength, feedForwardLength, () => uniform(attentionScale * 4));
    matrix(`blk.${block}.ffn_up.weight`, embeddingLength, feedForwardLength, () => uniform(attentionScale * 4));
    matrix(`blk.${block}.ffn_down.weight`, feedForwardLength, embeddingLength, (row) => (row === 0 ? 0 : uniform(1 / Math.sqrt(feedForwardLength))));
  }
  ones('output_norm.weight');
  // The normalised anchor is large and positive: its weight sets each token's base logit.
  // Word pieces get the highest, bytes less (mostly readable text), special tokens a huge negative when suppressed.
  matrix('output.weight', embeddingLength, vocabularySize, (token, column) => {
    if (column !== 0) return uniform(1);
    const type = vocabulary.types[token];
    if (type === tokenType.normal) return 1;
    if (type === tokenType.byte) return 0.5;
    return suppressEnd ? -20 : 1;
  });

  const bytes = encodeGguf(metadata, tensors);
  await writeFile(path, bytes);
  return { path, vocabularySize, embeddingLength, contextLength, bytes: bytes.length };
}

const tokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

function buildVocabulary(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types: number[] = [tokenType.unknown, tokenType.control, tokenType.control];
  const scores = [0, 0, 0];
  for (let byte = 0; byte < 256; byte += 1) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(tokenType.byte);
    scores.push(0);
  }
  // SPM merges adjacent pieces only into pieces that exist, so every prefix of a word is a piece too.
  const pieces = new Set<string>(['▁']);
  for (const letter of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ') pieces.add(letter);
  for (const word of words) {
    const spelled = `▁${word}`;
    for (let end = 2; end <= spelled.length; end += 1) pieces.add(spelled.slice(0, end));
  }
  for (const piece of pieces) {
    tokens.push(piece);
    types.push(tokenType.normal);
    // Longer pieces score higher so that merges prefer whole words.
    scores.push(-100 + [...piece].length);
  }
  return { tokens, scores, types };
}

type MetadataValue =
  | { type: 'string'; value: string }
  | { type: 'uint32'; value: number }
  | { type: 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'strings'; value: string[] }
  | { type: 'float32s'; value: number[] }
  | { type: 'int32s'; value: number[] };
type MetadataEntry = [key: string, value: MetadataValue];

interface Tensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

const ggufType = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;
const ggmlTypeF32 = 0;

function encodeGguf(metadata: MetadataEntry[], tensors: Tensor[]): Buffer {
  const out = new ByteWriter();
  out.raw(Buffer.from('GGUF', 'latin1'));
  out.uint32(3);
  out.uint64(tensors.length);
  out.uint64(metadata.length);
  for (const [key, entry] of metadata) {
    out.string(key);
    writeMetadataValue(out, entry);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const tensor of tensors) {
    out.string(tensor.name);
    out.uint32(tensor.shape.length);
    for (const dimension of tensor.shape) out.uint64(dimension);
    out.uint32(ggmlTypeF32);
    out.uint64(offset);
    offsets.push(offset);
    offset = alignUp(offset + tensor.data.byteLength);
  }
  out.padTo(alignment);
  const dataStart = out.length;
  tensors.forEach((tensor, index) => {
    out.padTo(alignment);
    if (out.length - dataStart !== offsets[index]) throw new Error(`tensor ${tensor.name} is misplaced`);
    out.raw(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  });
  return out.toBuffer();
}

function writeMetadataValue(out: ByteWriter, entry: MetadataValue): void {
  switch (entry.type) {
    case 'string':
      out.uint32(ggufType.string);
      out.string(entry.value);
      return;
    case 'uint32':
      out.uint32(ggufType.uint32);
      out.uint32(entry.value);
      return;
    case 'float32':
      out.uint32(ggufType.float32);
      out.float32(entry.value);
      return;
    case 'bool':
      out.uint32(ggufType.bool);
      out.uint8(entry.value ? 1 : 0);
      return;
    case 'strings':
      out.uint32(ggufType.array);
      out.uint32(ggufType.string);
      out.uint64(entry.value.length);
      for (const value of entry.value) out.string(value);
      return;
    case 'float32s':
      out.uint32(ggufType.array);
      out.uint32(ggufType.float32);
      out.uint64(entry.value.length);
      for (const value of entry.value) out.float32(value);
      return;
    case 'int32s':
      out.uint32(ggufType.array);
      out.uint32(ggufType.int32);
      out.uint64(entry.value.length);
      for (const value of entry.value) out.int32(value);
      return;
  }
}

function alignUp(value: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/** Little-endian writer over growing chunks. */
class ByteWriter {
  private readonly chunks: Buffer[] = [];
  length = 0;

  raw(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  uint8(value: number): void {
    this.raw(Buffer.from([value]));
  }

  uint32(value: number): void {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(value);
    this.raw(bytes);
  }

  int32(value: number): void {
    const bytes = Buffer.alloc(4);
    bytes.writeInt32LE(value);
    this.raw(bytes);
  }

  uint64(value: number): void {
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64LE(BigInt(value));
    this.raw(bytes);
  }

  float32(value: number): void {
    const bytes = Buffer.alloc(4);
    bytes.writeFloatLE(value);
    this.raw(bytes);
  }

  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.uint64(bytes.length);
    this.raw(bytes);
  }

  padTo(boundary: number): void {
    const padding = (boundary - (this.length % boundary)) % boundary;
    if (padding > 0) this.raw(Buffer.alloc(padding));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

/** Small seeded PRNG (mulberry32): uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
