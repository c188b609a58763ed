export { createPromptService, type PromptService, type PromptServiceDeps, type CreatePromptInput, type PromptUsage } from './prompt-service.ts';
export { compilePrompt } from './compile-prompt.ts';
export { diffPromptVersions, type PromptVersionDiff, type ConfigChange } from './diff-prompt-versions.ts';
export { diffLines, type DiffLine, type LineOp } from './diff-lines.ts';
export { parseTemplateVariables } from './parse-template-variables.ts';
export { validateNewPromptVersion, type PromptVersionInput } from './validate-new-prompt-version.ts';
