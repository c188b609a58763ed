import { type ConventionTable, rulesFor } from './field-rule.ts';
import { readText, readVersion } from './read-value.ts';

const rule = rulesFor('keel');

/**
 * What Keel adds: the managed prompt a call was rendered from (the SDK), and the virtual key of a
 * call through Keel's gateway (the gateway's own spans), so that figures can be grouped by key.
 */
export const keelTable: ConventionTable = {
  convention: 'keel',
  fields: {
    promptName: [rule.attribute('keel.prompt.name', readText)],
    promptVersion: [rule.attribute('keel.prompt.version', readVersion)],
    gatewayKey: [rule.attribute('keel.gateway.key', readText)],
  },
};
