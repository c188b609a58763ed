import type { AttributeValue, Attributes } from '@keel/spec';

type MaskText = (text: string) => string;

/** Masks every string in a value, however deeply nested. Unchanged parts are returned as they are, not copied. */
export function maskAttributeValue(value: AttributeValue, maskText: MaskText): AttributeValue {
  if (typeof value === 'string') return maskText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: AttributeValue[] | null = null;
    for (let index = 0; index < value.length; index += 1) {
      const item = value[index] as AttributeValue;
      const masked = maskAttributeValue(item, maskText);
      if (masked !== item) {
        copy ??= value.slice();
        copy[index] = masked;
      }
    }
    return copy ?? value;
  }
  return maskAttributes(value, maskText);
}

/** Masks the values of an attribute map (keys are names chosen by instrumentation, not data, and stay). */
export function maskAttributes(attributes: Attributes, maskText: MaskText): Attributes {
  let copy: Attributes | null = null;
  for (const key in attributes) {
    const value = attributes[key] as AttributeValue;
    const masked = maskAttributeValue(value, maskText);
    if (masked !== value) {
      copy ??= { ...attributes };
      copy[key] = masked;
    }
  }
  return copy ?? attributes;
}
