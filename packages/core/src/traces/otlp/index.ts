export { decodeOtlpJson } from './decode-otlp-json.ts';
export { decodeOtlpProtobuf } from './decode-otlp-protobuf.ts';
export type { OtlpDecodeOptions } from './otlp-decode-options.ts';
