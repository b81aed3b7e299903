// Worker threads over the TypeScript sources. The packages run through tsx, whose loader does not
// reach a Node 20 worker's entry through `execArgv`: the entry is imported with tsx's API instead.
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)

/**
 * The `eval: true` source of a worker thread that runs `entry` (a module's file URL): a `.ts` entry
 * through tsx's `tsImport`, anything else with a plain dynamic import.
 */
export function tsWorkerSource(entry: string): string {
  if (!entry.endsWith('.ts')) return `import(${JSON.stringify(entry)})`
  // `require.resolve` picks the export's CommonJS build; its ESM twin sits next to it.
  const tsx = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
  return `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`
}
