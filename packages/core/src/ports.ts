/** What core needs from the outside world besides the store: time and randomness, injected. */
export interface Clock {
  now(): number;
}

export interface IdGenerator {
  /** 32 lowercase hex characters (a UUID without dashes), as MLflow run ids are. */
  hexId(): string;
  /** Random URL-safe secret text of the given length. */
  secret(length: number): string;
}
