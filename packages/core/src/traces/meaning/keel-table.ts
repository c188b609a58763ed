import { type ConventionTable, rulesFor } from './field-rule.ts';
import { readText, readVersion } from './read-value.ts';

const rule = rulesFor('keel');

/** What Keel's own SDK adds: the managed prompt a call was rendered from. */
export const keelTable: ConventionTable = {
  convention: 'keel',
  fields: {
    promptName: [rule.attribute('keel.prompt.name', readText)],
    promptVersion: [rule.attribute('keel.prompt.version', readVersion)],
  },
};
