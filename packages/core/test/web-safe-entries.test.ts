// The console imports core through sub-paths that must run in a browser: nothing reachable from them
// may import a Node module or lean on Node-only globals.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
  exports: Record<string, string>
}

/** The sub-paths the console may import. */
const WEB_ENTRIES = ['./persona', './schemas', './transport']
/** Packages those entries may reach: pure JavaScript that runs in a browser. */
const WEB_SAFE_PACKAGES = new Set(['zod'])

const IMPORT_SPECIFIER =
  /(?:^|[\s;])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g
const NODE_ONLY_GLOBALS =
  /\b(?:Buffer|__dirname|__filename|require)\s*[.(]|\bprocess\s*\.\s*(?!env\.NODE_ENV)/

type Problem = { file: string; problem: string }

/** Walks the relative imports from `entry`; reports Node modules, unknown packages and Node globals. */
function nodeOnlyReachableFrom(entry: string): { files: string[]; problems: Problem[] } {
  const seen = new Set<string>()
  const problems: Problem[] = []
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$/gm, '$1')
    const global = NODE_ONLY_GLOBALS.exec(source)
    if (global) problems.push({ file, problem: `uses ${global[0].trim()}` })
    for (const match of source.matchAll(IMPORT_SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? ''
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier))
      else if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '')) {
        problems.push({ file, problem: `imports the Node module ${specifier}` })
      } else {
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0]
        if (!WEB_SAFE_PACKAGES.has(name ?? '')) problems.push({ file, problem: `imports ${specifier}` })
      }
    }
  }
  visit(entry)
  return { files: [...seen], problems }
}

describe('web-safe entries of @decnet/core', () => {
  for (const entry of WEB_ENTRIES) {
    it(`${entry} reaches no Node-only code`, () => {
      const target = manifest.exports[entry]
      expect(target, `package.json exports ${entry}`).toBeDefined()
      const { files, problems } = nodeOnlyReachableFrom(path.join(packageDir, target ?? ''))
      expect(files.length).toBeGreaterThan(0)
      expect(problems).toEqual([])
    })
  }

  it('@decnet/core/schemas carries the concepts the console needs', async () => {
    const schemas = await import(path.join(packageDir, manifest.exports['./schemas'] ?? ''))
    expect(schemas.DECKY_NAME_RE.test('web-01')).toBe(true)
    expect(schemas.DECKY_NAME_RE.test('Web_01')).toBe(false)
    expect(new RegExp(`^(?:${schemas.INTERVAL_PATTERN})$`, 'v').test('30m')).toBe(true)
    expect(schemas.ZAttackerSort.options).toEqual(['recent', 'active', 'deckies'])
    expect(schemas.DECKY_STATES).not.toContain('tearing_down')
  })

  describe('the walk itself', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'decnet-web-safe-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    it('finds a Node import two modules deep, a Node global and an unknown package', () => {
      writeFileSync(path.join(dir, 'entry.ts'), "export * from './middle.ts'\nimport { z } from 'zod'\n")
      writeFileSync(
        path.join(dir, 'middle.ts'),
        "import { helper } from './deep.ts'\nimport { ini } from 'some-package'\nexport const x = helper\n",
      )
      writeFileSync(
        path.join(dir, 'deep.ts'),
        "import { createHash } from 'node:crypto'\nimport fs from 'fs'\nexport const helper = Buffer.from('x')\n",
      )
      const { files, problems } = nodeOnlyReachableFrom(path.join(dir, 'entry.ts'))
      expect(files).toHaveLength(3)
      expect(problems.map((p) => `${path.basename(p.file)}: ${p.problem}`).sort()).toEqual([
        'deep.ts: imports the Node module fs',
        'deep.ts: imports the Node module node:crypto',
        'deep.ts: uses Buffer.',
        'middle.ts: imports some-package',
      ])
    })
  })
})
