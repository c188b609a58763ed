import { describe, expect, it } from 'vitest';
import { modelNameFilter } from './model-name-filter.ts';

describe('modelNameFilter', () => {
  it('searches names containing the text, any case, quotes doubled', () => {
    expect(modelNameFilter(' churn ')).toBe("name ILIKE '%churn%'");
    expect(modelNameFilter("o'brien")).toBe("name ILIKE '%o''brien%'");
  });
  it('is undefined for blank text', () => {
    expect(modelNameFilter('  ')).toBeUndefined();
  });
});
