/**
 * A part of an OTLP request that cannot be decoded. Internal to the decoders: they turn it into a
 * rejected span when the framing around the part is sound, else into a KeelError.
 */
export class OtlpFormatError extends Error {
  override readonly name = 'OtlpFormatError';
}
