import { build } from 'esbuild';
import type { Plugin, Rollup } from 'vite';
import { pagePaths } from './src/pages/page-paths.ts';

const earlyEntry = `${import.meta.dirname}/src/early/start-early-requests.ts`;

/** A chunk's file and every file it imports statically, transitively, with their CSS. */
function closure(bundle: Rollup.OutputBundle, fileName: string, seen = new Set<string>()): Set<string> {
  const chunk = bundle[fileName];
  if (chunk === undefined || chunk.type !== 'chunk' || seen.has(fileName)) return seen;
  seen.add(fileName);
  for (const css of chunk.viteMetadata?.importedCss ?? []) seen.add(css);
  for (const imported of chunk.imports) closure(bundle, imported, seen);
  return seen;
}

/**
 * Inlines src/early/start-early-requests.ts, bundled on its own, at the top of index.html. It runs
 * while the HTML is parsed: for the first URL it starts the page's first API requests and
 * preloads the page's own files (listed here, from the bundle), before the app's ~450 KB of code
 * has loaded and run. The server allows this one inline script by its hash
 * (Content-Security-Policy).
 */
export function earlyScript(): Plugin {
  return {
    name: 'keel-early-script',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      async handler(html, { bundle }) {
        if (bundle === undefined) throw new Error('keel-early-script: no bundle to read the pages from');
        const chunks = Object.values(bundle).filter((item): item is Rollup.OutputChunk => item.type === 'chunk');
        const app = chunks.find((chunk) => chunk.isEntry);
        if (app === undefined) throw new Error('keel-early-script: the app has no entry chunk');
        const appFiles = closure(bundle, app.fileName);
        const pageAssets: Record<string, string[]> = {};
        for (const [name, { module }] of Object.entries(pagePaths)) {
          const chunk = chunks.find((item) => item.facadeModuleId?.endsWith(`/src/pages/${module}.tsx`) === true);
          if (chunk === undefined) throw new Error(`keel-early-script: no chunk for src/pages/${module}.tsx (pages/page-paths.ts names it)`);
          pageAssets[name] = [...closure(bundle, chunk.fileName)].filter((file) => !appFiles.has(file)).map((file) => `/${file}`);
        }
        const built = await build({
          entryPoints: [earlyEntry],
          bundle: true,
          write: false,
          format: 'iife',
          minify: true,
          target: 'es2020',
          define: { keelPageAssets: JSON.stringify(pageAssets) },
          logLevel: 'warning',
        });
        const code = (built.outputFiles[0]?.text ?? '').trim().replaceAll('</script', '<\\/script');
        // Before the app's own tags (so its requests go out first), after the meta tags.
        const at = html.indexOf('<script type="module"');
        if (at < 0) throw new Error('keel-early-script: index.html has no module script');
        return `${html.slice(0, at)}<script>${code}</script>\n    ${html.slice(at)}`;
      },
    },
  };
}
