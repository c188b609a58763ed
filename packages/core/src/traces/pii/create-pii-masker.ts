import { type Attributes, type OtlpSpan, type PiiDetector, piiDetectors, type TraceSettings } from '@keel/spec';
import { createStringMasker } from './create-string-masker.ts';
import { creditCardPiiRule } from './credit-card-pii-rule.ts';
import { emailPiiRule } from './email-pii-rule.ts';
import { ibanPiiRule } from './iban-pii-rule.ts';
import { ipAddressPiiRules } from './ip-address-pii-rules.ts';
import { maskAttributes } from './mask-attributes.ts';
import { phonePiiRules } from './phone-pii-rules.ts';
import { type PiiRule, regexPiiRule } from './pii-rule.ts';
import { piiToken } from './pii-token.ts';
import { validateCustomPiiPattern } from './validate-custom-pii-pattern.ts';

// Where matches overlap the earlier detector wins: an IBAN or a card number contains digit runs the
// phone shapes would otherwise claim, and an email's domain can look like other things.
const detectorPriority: Record<PiiDetector, number> = { email: 0, iban: 1, credit_card: 2, ip_address: 3, phone: 4 };
const detectorOrder = [...piiDetectors].sort((left, right) => detectorPriority[left] - detectorPriority[right]);

function builtinRules(detector: PiiDetector): PiiRule[] {
  switch (detector) {
    case 'email':
      return [emailPiiRule()];
    case 'iban':
      return [ibanPiiRule()];
    case 'credit_card':
      return [creditCardPiiRule()];
    case 'ip_address':
      return ipAddressPiiRules();
    case 'phone':
      return phonePiiRules();
  }
}

/**
 * The project's PII masking for one span, or null when nothing is enabled so that ingest can skip it.
 * Every string the span carries is masked: name, status message, and the attributes of the span, its
 * events, links and resource (JSON text in attributes such as gen_ai.input.messages is masked as text).
 * Ids, timestamps and the instrumentation scope are left alone. Invalid custom patterns throw
 * INVALID_PARAMETER_VALUE rather than being skipped: ingesting unmasked spans would be the worse failure.
 */
export function createPiiMasker(settings: TraceSettings['pii']): ((span: OtlpSpan) => OtlpSpan) | null {
  const enabled = new Set(settings.detectors);
  const rules = detectorOrder.filter((detector) => enabled.has(detector)).flatMap(builtinRules);
  for (const custom of settings.custom) {
    validateCustomPiiPattern(custom.pattern);
    rules.push(regexPiiRule({ token: piiToken(custom.name), pattern: new RegExp(custom.pattern, 'g'), trigger: null }));
  }
  if (rules.length === 0) return null;
  const maskText = createStringMasker(rules, { protectTokens: settings.custom.length > 0 });
  // Spans of one OTLP resource group usually share its attribute object; mask it once.
  const maskedResources = new WeakMap<Attributes, Attributes>();
  const maskResource = (resource: Attributes): Attributes => {
    let masked = maskedResources.get(resource);
    if (masked === undefined) {
      masked = maskAttributes(resource, maskText);
      maskedResources.set(resource, masked);
    }
    return masked;
  };

  return (span) => ({
    ...span,
    name: maskText(span.name),
    attributes: maskAttributes(span.attributes, maskText),
    events: span.events.map((event) => {
      const attributes = maskAttributes(event.attributes, maskText);
      const name = maskText(event.name);
      return attributes === event.attributes && name === event.name ? event : { ...event, name, attributes };
    }),
    links: span.links.map((link) => {
      const attributes = maskAttributes(link.attributes, maskText);
      return attributes === link.attributes ? link : { ...link, attributes };
    }),
    status: maskStatus(span.status, maskText),
    resource: maskResource(span.resource),
  });
}

function maskStatus(status: OtlpSpan['status'], maskText: (text: string) => string): OtlpSpan['status'] {
  const message = maskText(status.message);
  return message === status.message ? status : { ...status, message };
}
