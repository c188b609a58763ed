import { type ComponentType, use } from 'react';

export interface LazyPage {
  element: React.ReactElement;
  /** Starts loading the page's chunk; resolves when it can render without suspending. */
  preload(): Promise<void>;
}

/**
 * A page in a chunk of its own. Unlike React.lazy, a page whose chunk is already loaded renders at
 * once: React holds a revealed Suspense fallback for about 300 ms, and the first page would pay
 * that on every cold load. main.tsx preloads the page of the first URL before the first render.
 */
export function lazyPage(load: () => Promise<ComponentType>): LazyPage {
  let loaded: ComponentType | undefined;
  let pending: Promise<void> | undefined;
  const preload = () =>
    (pending ??= load().then((component) => {
      loaded = component;
    }));
  function Page() {
    if (loaded === undefined) use(preload());
    const Loaded = loaded as ComponentType;
    return <Loaded />;
  }
  return { element: <Page />, preload };
}
