import type { OtlpSpan } from '@keel/spec';

/**
 * GenAI spans shaped like what the OpenAI instrumentations send (chat with history, a tool call, an
 * embedding), with a little PII in one in ten and unique ids and prompts, for tests and timing of the masker.
 */
export function realisticGenAiSpans(count: number, firstIndex = 0): OtlpSpan[] {
  // One OTLP resource group: its spans share the attribute object, as the decoder gives them.
  const resource = {
    'service.name': 'support-bot',
    'service.version': '1.14.2',
    'deployment.environment': 'production',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': '2.0.1',
    'host.name': 'ip-10-0-12-34',
  };
  const spans: OtlpSpan[] = [];
  for (let index = firstIndex; index < firstIndex + count; index += 1) {
    const withPii = index % 10 === 0;
    const question = withPii
      ? `Hi, I am Jane (jane.roe${index}@example.com, +44 20 7946 0958). Please refund card 4111 1111 1111 1111 to GB82 WEST 1234 5698 7654 32.`
      : `Summarise the attached quarterly report for ticket ${index} in three bullet points. Focus on revenue growth of ${index % 17}% and the ${2020 + (index % 5)} outlook.`;
    const messages = [
      { role: 'system', content: 'You are a helpful assistant for Acme Corp. Answer briefly, cite sources, and never invent numbers.' },
      { role: 'user', content: 'What did we discuss last time?' },
      { role: 'assistant', content: 'We went through the onboarding checklist and the API rate limits for the v2 endpoints.' },
      { role: 'user', content: question },
    ];
    spans.push({
      traceId: index.toString(16).padStart(32, '0'),
      spanId: (index + 1).toString(16).padStart(16, '0'),
      parentSpanId: null,
      name: index % 3 === 0 ? 'chat gpt-4o-mini' : index % 3 === 1 ? 'execute_tool get_weather' : 'embeddings text-embedding-3-small',
      otelKind: 3,
      startTimeUnixNano: String(1_718_035_200_000_000_000n + BigInt(index) * 1_000_000n),
      endTimeUnixNano: String(1_718_035_200_000_000_000n + BigInt(index) * 1_000_000n + 734_000_000n),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.response.id': `chatcmpl-9XkQ2b7TzLr${index}mN4pQsY8vWc1`,
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 1024,
        'gen_ai.usage.input_tokens': 812 + index,
        'gen_ai.usage.output_tokens': 164,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.input.messages': JSON.stringify(messages),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', content: '- Revenue grew 12% year over year.\n- Margins held at 31%.\n- Guidance for next year is unchanged.', finish_reason: 'stop' },
        ]),
        'server.address': 'api.openai.com',
        'server.port': 443,
        'http.request.method': 'POST',
        'url.full': 'https://api.openai.com/v1/chat/completions',
        'session.id': `session-${index % 7}`,
        'user.id': `user_${index % 13}`,
      },
      events: [{ name: 'gen_ai.content.prompt', timeUnixNano: '1718035200000000000', attributes: { 'gen_ai.prompt': question } }],
      links: [],
      status: { code: 1, message: '' },
      resource,
      scope: { name: '@opentelemetry/instrumentation-openai', version: '0.5.0' },
    });
  }
  return spans;
}
