import { seededRandom } from './metric-batches.ts';

const words = (
  'the a of to and in is for on with that as by this be are from at or an it not your can will which our has have all more about ' +
  'customer order refund policy account invoice shipping delivery warranty product return subscription plan billing payment card ' +
  'summary context document section answer question please explain steps details example guide support agent request response ' +
  'model retrieval embedding vector search query result score relevant passage source citation confidence latency token cost'
).split(' ');

// One long corpus built once: slicing it is far cheaper than picking words for every message.
const corpus = ((): string => {
  const random = seededRandom(42);
  const parts: string[] = [];
  let length = 0;
  while (length < 64 * 1024) {
    const word = words[Math.floor(random() * words.length)] ?? 'the';
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(' ');
})();

/** Text of `min`..`max` characters (word soup, like real prompts it is mostly lower-case words). */
export function sampleText(random: () => number, min: number, max: number): string {
  const length = Math.floor(min + random() * (max - min));
  const start = Math.floor(random() * (corpus.length - length - 1));
  return corpus.slice(start, start + length);
}
