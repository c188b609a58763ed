/** The replacement for a custom detector: its name in upper snake case, so `employee id` masks as `<EMPLOYEE_ID>`. */
export function piiToken(name: string): string {
  const snake = name.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return `<${snake === '' ? 'CUSTOM' : snake}>`;
}
