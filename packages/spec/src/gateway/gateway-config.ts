import { z } from 'zod';

/**
 * One project's gateway configuration: providers, virtual models with their targets, virtual
 * keys with their limits, project limits, caching and tracing. The same document is read from
 * `keel.config.yaml` and written through `PUT /api/v1/gateway/config`.
 */

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'use letters, digits and . _ : / - (at most 128 characters)');
const positiveInt = z.number().int().positive();
const usd = z.number().positive().max(1e9);

export const providerTypes = ['openai', 'openai-compatible', 'azure', 'anthropic', 'llama-cpp'] as const;
export type ProviderType = (typeof providerTypes)[number];

/**
 * A secret as written by a user: a literal value, or the name of an environment variable. Through
 * the API, `{ redacted: true }` (what a read shows) keeps the value already stored; stored
 * documents hold `{ encrypted: '...' }` (AES-256-GCM), never the plain value.
 */
export const secretInputSchema = z.union([
  z.string().min(1).max(4096),
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }).strict(),
  z.object({ redacted: z.literal(true) }).strict(),
  z.object({ encrypted: z.string().min(1) }).strict(),
]);
export type SecretInput = z.infer<typeof secretInputSchema>;

export const providerConfigSchema = z
  .object({
    name,
    type: z.enum(providerTypes),
    /** Root of the API, e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1. */
    base_url: z.url({ protocol: /^https?$/ }).optional(),
    api_key: secretInputSchema.optional(),
    /** Azure OpenAI: the api-version query parameter. */
    api_version: z.string().min(1).max(64).optional(),
    /** Azure OpenAI: model name -> deployment name (the model name itself where missing). */
    deployments: z.record(z.string(), z.string().min(1)).optional(),
    /** llama-cpp: path of the GGUF file, and the CPU threads it may use. */
    model_path: z.string().min(1).optional(),
    threads: z.number().int().min(1).max(256).optional(),
    context_size: z.number().int().min(64).max(1_048_576).optional(),
    /** Time to the first byte of the upstream answer; 60 s where missing. */
    timeout_ms: positiveInt.max(3_600_000).optional(),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .superRefine((provider, context) => {
    const needsUrl = provider.type === 'openai-compatible' || provider.type === 'azure';
    if (needsUrl && provider.base_url === undefined) context.addIssue({ code: 'custom', path: ['base_url'], message: `a ${provider.type} provider needs base_url` });
    if (provider.type === 'azure' && provider.api_version === undefined) context.addIssue({ code: 'custom', path: ['api_version'], message: 'an azure provider needs api_version' });
    if (provider.type === 'llama-cpp' && provider.model_path === undefined) context.addIssue({ code: 'custom', path: ['model_path'], message: 'a llama-cpp provider needs model_path' });
    if (provider.type === 'llama-cpp' && provider.threads === undefined) context.addIssue({ code: 'custom', path: ['threads'], message: 'a llama-cpp provider needs threads (set it to the cores it may use)' });
  });
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

export const routeTargetSchema = z
  .object({
    provider: name,
    /** The model name sent upstream. */
    model: z.string().min(1).max(256),
    weight: z.number().min(0).max(1_000_000).default(1),
    timeout_ms: positiveInt.max(3_600_000).optional(),
  })
  .strict();
export type RouteTarget = z.infer<typeof routeTargetSchema>;

export const retryPolicySchema = z
  .object({
    /** Attempts after the first, per target. */
    attempts: z.number().int().min(0).max(10).default(1),
    base_delay_ms: z.number().int().min(0).max(60_000).default(100),
    max_delay_ms: z.number().int().min(0).max(300_000).default(2_000),
  })
  .strict();

export const circuitBreakerSchema = z
  .object({
    /** Consecutive failures that open the circuit. */
    failures: z.number().int().min(1).max(1000).default(5),
    cooldown_ms: z.number().int().min(100).max(3_600_000).default(30_000),
  })
  .strict();

export const modelRouteSchema = z
  .object({
    /** The name clients send as `model`. */
    name: z.string().min(1).max(256),
    /** Chosen by weight; the others are tried next when one fails. */
    targets: z.array(routeTargetSchema).min(1).max(32),
    /** Tried in order once every target has failed. */
    fallbacks: z.array(routeTargetSchema).max(32).default([]),
    kind: z.enum(['chat', 'embedding']).default('chat'),
  })
  .strict();
export type ModelRoute = z.infer<typeof modelRouteSchema>;

export const limitPolicySchema = z
  .object({
    rpm: positiveInt.optional(),
    tpm: positiveInt.optional(),
    budget_usd_day: usd.optional(),
    budget_usd_month: usd.optional(),
    /** When the shared counter store (Redis) cannot be reached: admit ('open') or refuse ('closed'). */
    on_store_error: z.enum(['open', 'closed']).default('closed'),
  })
  .strict();
export type LimitPolicy = z.infer<typeof limitPolicySchema>;

export const virtualKeyConfigSchema = z
  .object({
    name,
    /** Models this key may call (virtual names); every model where missing. */
    models: z.array(z.string().min(1)).max(256).optional(),
    limits: limitPolicySchema.optional(),
    /** Only in the config file: the key's secret, literal or from the environment. */
    secret: secretInputSchema.optional(),
  })
  .strict();
export type VirtualKeyConfig = z.infer<typeof virtualKeyConfigSchema>;

export const cachePolicySchema = z
  .object({
    exact: z.object({ enabled: z.boolean().default(false), ttl_seconds: positiveInt.max(30 * 86_400).default(3600), max_entries: positiveInt.max(10_000_000).default(10_000) }).strict().default({ enabled: false, ttl_seconds: 3600, max_entries: 10_000 }),
    semantic: z
      .object({
        enabled: z.boolean().default(false),
        threshold: z.number().min(0).max(1).default(0.95),
        /** A virtual model of kind 'embedding' that embeds the last user message. */
        embedding_model: z.string().min(1).optional(),
        ttl_seconds: positiveInt.max(30 * 86_400).default(3600),
        max_entries: positiveInt.max(1_000_000).default(10_000),
      })
      .strict()
      .superRefine((semantic, context) => {
        if (semantic.enabled && semantic.embedding_model === undefined) context.addIssue({ code: 'custom', path: ['embedding_model'], message: 'the semantic cache needs embedding_model' });
      })
      .default({ enabled: false, threshold: 0.95, ttl_seconds: 3600, max_entries: 10_000 }),
  })
  .strict();
export type CachePolicy = z.infer<typeof cachePolicySchema>;

export const gatewayConfigSchema = z
  .object({
    providers: z.array(providerConfigSchema).max(256).default([]),
    models: z.array(modelRouteSchema).max(4096).default([]),
    keys: z.array(virtualKeyConfigSchema).max(100_000).default([]),
    limits: limitPolicySchema.optional(),
    retry: retryPolicySchema.default({ attempts: 1, base_delay_ms: 100, max_delay_ms: 2_000 }),
    circuit_breaker: circuitBreakerSchema.default({ failures: 5, cooldown_ms: 30_000 }),
    cache: cachePolicySchema.default({ exact: { enabled: false, ttl_seconds: 3600, max_entries: 10_000 }, semantic: { enabled: false, threshold: 0.95, ttl_seconds: 3600, max_entries: 10_000 } }),
    /** Record request and response bodies in traces (after the project's PII masking). */
    record_bodies: z.boolean().default(true),
  })
  .strict()
  .superRefine((config, context) => {
    const providers = new Set<string>();
    config.providers.forEach((provider, index) => {
      if (providers.has(provider.name)) context.addIssue({ code: 'custom', path: ['providers', index, 'name'], message: `provider '${provider.name}' is declared twice` });
      providers.add(provider.name);
    });
    const models = new Set<string>();
    config.models.forEach((model, index) => {
      if (models.has(model.name)) context.addIssue({ code: 'custom', path: ['models', index, 'name'], message: `model '${model.name}' is declared twice` });
      models.add(model.name);
      for (const [list, targets] of [['targets', model.targets], ['fallbacks', model.fallbacks]] as const) {
        targets.forEach((target, targetIndex) => {
          if (!providers.has(target.provider)) context.addIssue({ code: 'custom', path: ['models', index, list, targetIndex, 'provider'], message: `no provider named '${target.provider}'` });
        });
      }
      if (model.targets.every((target) => target.weight === 0)) context.addIssue({ code: 'custom', path: ['models', index, 'targets'], message: 'at least one target needs a weight above 0' });
    });
    const keys = new Set<string>();
    config.keys.forEach((key, index) => {
      if (keys.has(key.name)) context.addIssue({ code: 'custom', path: ['keys', index, 'name'], message: `key '${key.name}' is declared twice` });
      keys.add(key.name);
    });
    const embedding = config.cache.semantic.embedding_model;
    if (config.cache.semantic.enabled && embedding !== undefined && !config.models.some((model) => model.name === embedding && model.kind === 'embedding')) {
      context.addIssue({ code: 'custom', path: ['cache', 'semantic', 'embedding_model'], message: `no model of kind 'embedding' named '${embedding}'` });
    }
  });

export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/** `keel.config.yaml`: gateway documents by project name. */
export const keelConfigFileSchema = z
  .object({
    projects: z.record(z.string().min(1), z.object({ gateway: gatewayConfigSchema }).strict()).default({}),
  })
  .strict();
export type KeelConfigFile = z.output<typeof keelConfigFileSchema>;
