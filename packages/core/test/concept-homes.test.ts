// One definition per concept: every listed concept lives in its home in core, and nothing in the
// workspace's sources (apps/*/src, packages/*/src) defines it again. See docs/concepts.md.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CONCEPT_HOMES, findDrift, findWorkspaceDrift, workspaceSources } from './support/concept-homes.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

describe('concept homes', () => {
  it('each home exists and defines the names it is the home of', () => {
    for (const { concept, home, names } of CONCEPT_HOMES) {
      expect(existsSync(path.join(root, home)), `${concept}: ${home}`).toBe(true)
      const source = readFileSync(path.join(root, home), 'utf8')
      for (const name of names) {
        expect(source, `${concept}: ${home} defines ${name}`).toMatch(
          new RegExp(`export (?:const|type|function) ${name}\\b`),
        )
      }
    }
  })

  it('scans the sources of every app and package', () => {
    const files = workspaceSources(root)
    for (const dir of ['apps/api/src/', 'apps/web/src/', 'packages/db/src/', 'packages/lifecycle/src/']) {
      expect(
        files.some((file) => file.startsWith(dir)),
        dir,
      ).toBe(true)
    }
    expect(files.some((file) => /node_modules|\/generated\/|\.next\//.test(file))).toBe(false)
  })

  it('no concept is defined outside its home in the workspace', () => {
    const drift = findWorkspaceDrift(root).map(
      (d) => `${d.file}:${d.line} ${d.concept}: ${d.why} — ${d.text}`,
    )
    expect(drift).toEqual([])
  })

  it('docs/concepts.md lists every concept with its home', () => {
    // Table rows as [concept, home], whatever the column padding.
    const rows = readFileSync(path.join(root, 'docs/concepts.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .map(([, concept, home]) => [concept, home])
    expect(rows).toEqual(
      expect.arrayContaining(CONCEPT_HOMES.map(({ concept, home }) => [concept, `\`${home}\``])),
    )
  })
})

describe('the drift check catches', () => {
  const file = 'packages/db/src/types.ts'
  const concepts = (source: string, at = file) => findDrift(at, source).map((d) => d.concept)

  it('a copied state union that drifted (the db copy that kept tearing_down)', () => {
    const drifted = `export type DeckyState =
  | 'pending'
  | 'running'
  | 'degraded'
  | 'missing'
  | 'failed'
  | 'tearing_down'
  | 'unknown'
  | 'pending_removal'`
    expect(concepts(drifted)).toEqual(['Decky state', 'Decky state'])
  })

  it('copied lifecycle statuses and operations, as unions or arrays', () => {
    expect(concepts(`type S = 'pending' | 'running' | 'succeeded' | 'failed'`)).toEqual(['Lifecycle status'])
    expect(concepts(`const OPS = ['deploy', 'mutate', 'teardown', 'repair', 'upgrade'] as const`)).toEqual([
      'Lifecycle operation',
    ])
    expect(
      concepts(`const X = z.enum(["deploy", "mutate", "teardown", "upgrade", "edit_services"])`),
    ).toEqual(['Lifecycle operation'])
  })

  it("the engine-kind literal `'docker' | 'local'` and a setting built around it", () => {
    expect(concepts(`function createEngine(kind: 'docker' | 'local') {}`)).toEqual(['Engine kind'])
    expect(concepts(`engine: 'auto' | 'docker' | 'local'`)).toEqual(['Engine kind'])
  })

  it('re-declared names: LOCAL_HOST_ID, NetworkDriver, EngineKind', () => {
    expect(concepts(`export const LOCAL_HOST_ID = 'local'`)).toEqual(['Host id (and the local host)'])
    expect(concepts(`export type NetworkDriver = string`)).toEqual(['Network driver'])
    expect(concepts(`export interface EngineKind { x: 1 }`)).toEqual(['Engine kind'])
  })

  it('a copied decky-name regex and interval syntax', () => {
    expect(concepts('const NAME_RE = /^[a-z0-9][a-z0-9-]{0,62}$/')).toEqual(['Decky (and host) name pattern'])
    expect(concepts('<input pattern="[1-9][0-9]{0,6}[mhdwMy]" />', 'apps/web/src/x.tsx')).toEqual([
      'Mutation interval syntax',
    ])
  })

  it('copies inside core too, outside the concept’s home file', () => {
    expect(
      concepts(`const DRIVERS = ['macvlan', 'ipvlan', 'bridge']`, 'packages/core/src/ini/fleet.ts'),
    ).toEqual(['Network driver'])
  })
})

describe('the drift check leaves alone', () => {
  const concepts = (source: string, at = 'packages/lifecycle/src/x.ts') => findDrift(at, source)

  it('the home itself', () => {
    const home = 'packages/core/src/schemas/decky.ts'
    expect(concepts(readFileSync(path.join(root, home), 'utf8'), home)).toEqual([])
  })

  it('imports, re-exports and narrowings of a concept', () => {
    expect(
      concepts(`import { type EngineKind, type NetworkDriver, LOCAL_HOST_ID } from '@decnet/core'`),
    ).toEqual([])
    expect(concepts(`export type { DeckyState } from '@decnet/core'`)).toEqual([])
    expect(
      concepts(`type Observed = Extract<DeckyState, 'running' | 'degraded' | 'missing' | 'unknown'>`),
    ).toEqual([])
  })

  it('a few members picked for a check, and other concepts sharing a word', () => {
    expect(concepts(`new Set<DeckyState>(['pending', 'failed'])`)).toEqual([])
    expect(concepts(`setStatusIf(id, ['active', 'unreachable', 'enrolled'], 'active')`)).toEqual([])
    expect(concepts(`type ProcedureRole = 'anon' | 'any' | 'viewer' | 'admin'`)).toEqual([])
  })

  it('comments that describe a concept', () => {
    expect(concepts(`// pending | running | succeeded | failed\n/* 'docker' | 'local' */`)).toEqual([])
  })
})
