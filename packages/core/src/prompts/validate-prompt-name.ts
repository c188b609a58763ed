import { invalid, promptNamePattern } from '@keel/spec';

export function validatePromptName(name: string): void {
  if (!promptNamePattern.test(name) || name.includes('//') || name.endsWith('/')) {
    throw invalid(`Invalid prompt name '${name.slice(0, 100)}': use 1-200 letters, digits, '_', '.', '-' or '/', starting with a letter or digit`);
  }
}
