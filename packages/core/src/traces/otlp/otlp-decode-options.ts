export interface OtlpDecodeOptions {
  /** The current time: spans that end more than a day after it are rejected. */
  nowMs: number;
  /** A request holding more spans than this is refused whole (PAYLOAD_TOO_LARGE); no limit when absent. */
  maxSpans?: number | undefined;
}
