import { type RefObject, useCallback, useEffect, useRef } from 'react';

/**
 * Focuses the element `selector` names inside `container` on the next frame (a virtualised row
 * scrolled to is drawn only then). A newer call replaces a pending one; unmounting cancels it.
 */
export function useFocusNextFrame(container: RefObject<HTMLElement | null>): (selector: string) => void {
  const pending = useRef(0);
  useEffect(() => () => cancelAnimationFrame(pending.current), []);
  return useCallback(
    (selector: string) => {
      cancelAnimationFrame(pending.current);
      pending.current = requestAnimationFrame(() => container.current?.querySelector<HTMLElement>(selector)?.focus());
    },
    [container],
  );
}
