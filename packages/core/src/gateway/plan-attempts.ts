import type { ModelRoute, RouteTarget } from '@keel/spec';

/**
 * The order in which a request tries a route's targets: the first by weight, the rest of the
 * weighted pool next (again by weight, without replacement), then the fallbacks in their order.
 * Targets of weight 0 are kept for when the others failed.
 */
export function planAttempts(route: ModelRoute, random: () => number): RouteTarget[] {
  const pool = [...route.targets];
  const ordered: RouteTarget[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((sum, target) => sum + target.weight, 0);
    let index = 0;
    if (total > 0) {
      let point = random() * total;
      index = pool.findIndex((target) => {
        point -= target.weight;
        return point < 0;
      });
      // Floating point may leave the point a hair above 0 after the last weighted target.
      if (index === -1) index = pool.findLastIndex((target) => target.weight > 0);
    }
    ordered.push(...pool.splice(index, 1));
  }
  return [...ordered, ...route.fallbacks];
}
