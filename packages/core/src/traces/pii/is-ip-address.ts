const ipv4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const hexGroup = /^[0-9A-Fa-f]{1,4}$/;

export function isIpv4Address(text: string): boolean {
  return ipv4.test(text);
}

/** Full, `::`-compressed and IPv4-suffixed (`::ffff:192.0.2.1`) IPv6 text forms, without zone or prefix length. */
export function isIpv6Address(text: string): boolean {
  let head = text;
  let embeddedGroups = 0;
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    if (lastColon === -1 || !isIpv4Address(text.slice(lastColon + 1))) return false;
    head = text.endsWith('::', lastColon + 1) ? text.slice(0, lastColon + 1) : text.slice(0, lastColon);
    embeddedGroups = 2;
  }
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (half: string): string[] | null => {
    if (half === '') return [];
    const groups = half.split(':');
    return groups.every((group) => hexGroup.test(group)) ? groups : null;
  };
  if (halves.length === 1) {
    const groups = groupsOf(head);
    return groups !== null && groups.length + embeddedGroups === 8;
  }
  const left = groupsOf(halves[0] ?? '');
  const right = groupsOf(halves[1] ?? '');
  return left !== null && right !== null && left.length + right.length + embeddedGroups <= 7;
}
