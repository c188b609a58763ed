export { countChatPromptTokens, countCompletionTokens, countTextTokens } from './count-tokens.ts';
