import { type CallSignal, UpstreamError } from '@keel/core';

/** Requests take turns: acquire() resolves when every earlier holder released, or rejects on abort. */
export function createTurnQueue(): { acquire(signal: CallSignal): Promise<() => void> } {
  let tail: Promise<void> = Promise.resolve();
  return {
    async acquire(signal) {
      let release!: () => void;
      const turn = new Promise<void>((resolve) => {
        release = resolve;
      });
      const previous = tail;
      tail = previous.then(() => turn);
      try {
        await new Promise<void>((resolve, reject) => {
          if (signal.aborted) {
            reject(abortedWhileWaiting(signal));
            return;
          }
          const onAbort = (): void => reject(abortedWhileWaiting(signal));
          signal.addEventListener('abort', onAbort, { once: true });
          void previous.then(() => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      } catch (error) {
        // Our place in the line passes on as soon as the holders before us are done.
        release();
        throw error;
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        release();
      };
    },
  };
}

function abortedWhileWaiting(signal: CallSignal): UpstreamError {
  return new UpstreamError({ failure: 'aborted', message: 'llama-cpp: aborted while waiting for the model', cause: signal.reason });
}
