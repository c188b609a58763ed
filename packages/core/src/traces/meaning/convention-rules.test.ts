import type { Attributes, OtlpSpan } from '@keel/spec';
import { describe, expect, it } from 'vitest';
import { mapSpanMeaning } from './index.ts';

/** Rows the recorded fixtures do not reach, one attribute set at a time. */
function spanWith(attributes: Attributes, extra: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', parentSpanId: null, name: 'span', otelKind: 1,
    startTimeUnixNano: '1767225600000000000', endTimeUnixNano: '1767225601000000000', attributes, events: [], links: [],
    status: { code: 0, message: '' }, resource: {}, scope: { name: 'test', version: '' }, ...extra,
  };
}

describe('convention rows', () => {
  it.each([
    [{ 'openinference.span.kind': 'RERANKER' }, 'retrieval'],
    [{ 'openinference.span.kind': 'PROMPT' }, 'chain'],
    [{ 'openinference.span.kind': 'GUARDRAIL' }, 'guardrail'],
    [{ 'openinference.span.kind': 'EVALUATOR' }, 'evaluator'],
    [{ 'gen_ai.operation.name': 'invoke_workflow' }, 'chain'],
    [{ 'gen_ai.operation.name': 'retrieval' }, 'retrieval'],
    [{ 'gen_ai.operation.name': 'create_agent' }, 'agent'],
    [{ 'ai.operationId': 'ai.toolCall' }, 'tool'],
    [{ 'operation.name': 'ai.streamObject.doStream my-function' }, 'llm'],
    [{ 'langfuse.observation.type': 'retriever' }, 'retrieval'],
    // An explicit Langfuse type wins over what the instrumentation said.
    [{ 'langfuse.observation.type': 'agent', 'openinference.span.kind': 'LLM' }, 'agent'],
    [{ 'gen_ai.operation.name': 'something_new' }, 'span'],
  ] as const)('kind of %j is %s', (attributes, kind) => {
    expect(mapSpanMeaning(spanWith(attributes)).kind).toBe(kind);
  });

  it('renames deprecated gen_ai.system values and strips the AI SDK api suffix', () => {
    expect(mapSpanMeaning(spanWith({ 'gen_ai.system': 'az.ai.openai' })).provider).toBe('azure.ai.openai');
    expect(mapSpanMeaning(spanWith({ 'gen_ai.provider.name': 'aws.bedrock', 'gen_ai.system': 'other' })).provider).toBe('aws.bedrock');
    expect(mapSpanMeaning(spanWith({ 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.provider': 'anthropic.messages', 'gen_ai.system': 'anthropic.messages' })).provider).toBe('anthropic');
  });

  it('reads OpenInference content parts, tool calls, retrieval documents, tags as JSON and the first-token event', () => {
    const meaning = mapSpanMeaning(
      spanWith(
        {
          'openinference.span.kind': 'LLM',
          'llm.input_messages.0.message.role': 'user',
          'llm.input_messages.0.message.contents.0.message_content.type': 'text',
          'llm.input_messages.0.message.contents.0.message_content.text': 'What is this?',
          'llm.input_messages.0.message.contents.1.message_content.type': 'image',
          'llm.input_messages.0.message.contents.1.message_content.image.image.url': 'https://example.com/cat.png',
          'llm.output_messages.0.message.role': 'assistant',
          'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_1',
          'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'lookup',
          'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"q":"cat"}',
          'tag.tags': '["a","b"]',
          'llm.prompt_template.version': 'v2',
          'llm.cost.total': 0.25,
        },
        { events: [{ name: 'First Token Stream Event', timeUnixNano: '1767225600180000000', attributes: {} }] },
      ),
    );
    expect(meaning.input).toEqual([{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', url: 'https://example.com/cat.png' }] }]);
    expect(meaning.output).toEqual([{ role: 'assistant', content: [{ type: 'tool_call', id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' }] }]);
    expect(meaning.tags).toEqual(['a', 'b']);
    expect(meaning.promptVersion).toBe(2);
    expect(meaning.providedCost).toBe(0.25);
    expect(meaning.timeToFirstTokenMs).toBe(180);

    const retriever = mapSpanMeaning(spanWith({
      'openinference.span.kind': 'RETRIEVER',
      'input.value': 'cats',
      'retrieval.documents.0.document.id': 'd1',
      'retrieval.documents.0.document.content': 'Cats purr.',
      'retrieval.documents.0.document.score': 0.9,
    }));
    expect(retriever).toMatchObject({ kind: 'retrieval', input: 'cats', output: [{ role: 'document', content: { id: 'd1', content: 'Cats purr.', score: 0.9 } }] });
  });

  it('reads input.value JSON as messages only when the mime type says JSON', () => {
    const request = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(mapSpanMeaning(spanWith({ 'input.value': request, 'input.mime_type': 'application/json' })).input).toEqual([{ role: 'user', content: 'hi' }]);
    expect(mapSpanMeaning(spanWith({ 'input.value': request })).input).toBe(request);
  });

  it('reads the Keel prompt, ids of numeric type, and int64 token counts sent as text', () => {
    const meaning = mapSpanMeaning(spanWith({ 'keel.prompt.name': 'greeting', 'keel.prompt.version': 7, 'session.id': 42, 'gen_ai.usage.input_tokens': '9007199254740993' }));
    expect(meaning).toMatchObject({ promptName: 'greeting', promptVersion: 7, sessionId: '42', inputTokens: Number.MAX_SAFE_INTEGER });
  });

  it('reads the virtual key of a call through the Keel gateway, and only a non-empty text', () => {
    const gatewayCall = spanWith(
      { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'smart', 'gen_ai.response.model': 'gpt-4o-mini', 'keel.gateway.key': 'team-a', 'keel.gateway.cache': 'miss' },
      { resource: { 'service.name': 'keel-gateway' } },
    );
    expect(mapSpanMeaning(gatewayCall)).toMatchObject({ kind: 'llm', requestModel: 'smart', responseModel: 'gpt-4o-mini', gatewayKey: 'team-a' });
    // A call made with a project API key carries no key attribute.
    expect(mapSpanMeaning(spanWith({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'smart' })).gatewayKey).toBeNull();
    for (const wrong of ['', 7, true, ['team-a'], { name: 'team-a' }]) expect(mapSpanMeaning(spanWith({ 'keel.gateway.key': wrong })).gatewayKey).toBeNull();
  });

  it('reads the AI SDK tool calls and v4 token names', () => {
    const meaning = mapSpanMeaning(spanWith({
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.response.toolCalls': JSON.stringify([{ toolCallType: 'function', toolCallId: 'c1', toolName: 'weather', args: '{}' }]),
      'ai.usage.promptTokens': 10,
      'ai.usage.completionTokens': 3,
      'ai.stream.msToFirstChunk': 12.5,
    }));
    expect(meaning).toMatchObject({
      output: [{ role: 'assistant', content: [{ toolCallType: 'function', toolCallId: 'c1', toolName: 'weather', args: '{}' }] }],
      inputTokens: 10, outputTokens: 3, timeToFirstTokenMs: 12.5,
    });
  });

  it('falls back to the status message for a failed span, and to the Langfuse status message at level ERROR', () => {
    expect(mapSpanMeaning(spanWith({}, { status: { code: 2, message: 'boom' } })).error).toBe('boom');
    expect(mapSpanMeaning(spanWith({}, { status: { code: 1, message: 'fine' } })).error).toBeNull();
    expect(mapSpanMeaning(spanWith({ 'langfuse.observation.level': 'ERROR', 'langfuse.observation.status_message': 'bad input' })).error).toBe('bad input');
  });

  it('skips a row whose value has the wrong type and takes the next', () => {
    expect(mapSpanMeaning(spanWith({ 'gen_ai.usage.input_tokens': 'many', 'gen_ai.usage.prompt_tokens': 5, 'gen_ai.request.model': 3 })).inputTokens).toBe(5);
    expect(mapSpanMeaning(spanWith({ 'gen_ai.input.messages': '{not json', 'llm.input_messages.0.message.content': 'hi' })).input).toEqual([{ role: 'user', content: 'hi' }]);
  });
});
