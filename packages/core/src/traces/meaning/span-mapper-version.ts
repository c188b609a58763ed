/**
 * Stored with every span (`SpanRecord.mapperVersion`). Bump it when a table change alters what an
 * existing span maps to, so stored spans can be found and re-derived from their raw attributes.
 */
export const spanMapperVersion = 2;

/*
 * History:
 * 1: the first tables.
 * 2: `keel.gateway.key` fills `gatewayKey` (migration 6 fills it for the gateway spans stored before).
 */
