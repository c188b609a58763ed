export { createPiiMasker } from './create-pii-masker.ts';
export { piiSettingsSchema, customPiiPatternsMax } from './pii-settings-schema.ts';
export { validateCustomPiiPattern, customPiiPatternProblem, customPiiPatternMaxLength } from './validate-custom-pii-pattern.ts';
export { regexSafetyProblem } from './regex-safety-problem.ts';
export { piiToken } from './pii-token.ts';
export { isLuhnValid } from './is-luhn-valid.ts';
export { isIbanValid } from './is-iban-valid.ts';
