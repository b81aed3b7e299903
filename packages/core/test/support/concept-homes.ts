// Where each domain concept is defined (its home) and how a copy of it elsewhere is recognised.
// docs/concepts.md shows this table; concept-homes.test.ts scans the workspace's sources against it.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import {
  BREAKER_STATES,
  DECKY_NAME_RE,
  DECKY_STATES,
  DELIVERY_STATUSES,
  ENGINE_KINDS,
  HOST_STATUSES,
  LIFECYCLE_OPERATIONS,
  LIFECYCLE_STATUSES,
  NETWORK_DRIVERS,
  PORT_PROTOCOLS,
  WORKER_STATUSES,
  ZAttackerSort,
  ZComponentStatus,
  ZHealthStatus,
  ZRole,
} from '../../src/index.ts'

export type ConceptHome = {
  concept: string
  /** The one file (workspace-relative) allowed to define it. */
  home: string
  /** The exported names that define it there. */
  names: readonly string[]
  /** Its values: a literal list (union, array, enum) mostly made of them is a copy. */
  values?: readonly string[]
  /** Text that only a copy of it contains (a regex's source). */
  fragments?: readonly string[]
}

const SCHEMAS = 'packages/core/src/schemas'

export const CONCEPT_HOMES: readonly ConceptHome[] = [
  {
    concept: 'Decky state',
    home: `${SCHEMAS}/decky.ts`,
    names: ['DECKY_STATES', 'ZDeckyState', 'DeckyState'],
    values: DECKY_STATES,
  },
  {
    concept: 'Lifecycle status',
    home: `${SCHEMAS}/lifecycle.ts`,
    names: ['LIFECYCLE_STATUSES', 'ZLifecycleStatus', 'LifecycleStatus'],
    values: LIFECYCLE_STATUSES,
  },
  {
    concept: 'Lifecycle operation',
    home: `${SCHEMAS}/lifecycle.ts`,
    names: ['LIFECYCLE_OPERATIONS', 'ZLifecycleOperation', 'LifecycleOperation'],
    values: LIFECYCLE_OPERATIONS,
  },
  {
    concept: 'Alert delivery status',
    home: `${SCHEMAS}/channels.ts`,
    names: ['DELIVERY_STATUSES', 'ZDeliveryStatus', 'DeliveryStatus'],
    values: DELIVERY_STATUSES,
  },
  {
    concept: 'Alert channel breaker state',
    home: `${SCHEMAS}/channels.ts`,
    names: ['BREAKER_STATES', 'ZBreakerState', 'BreakerState'],
    values: BREAKER_STATES,
  },
  {
    concept: 'Host status',
    home: `${SCHEMAS}/hosts.ts`,
    names: ['HOST_STATUSES', 'ZHostStatus', 'HostStatus'],
    values: HOST_STATUSES,
  },
  {
    concept: 'Host id (and the local host)',
    home: `${SCHEMAS}/hosts.ts`,
    names: ['LOCAL_HOST_ID', 'ZHostId', 'HostId'],
  },
  {
    concept: 'Network driver',
    home: `${SCHEMAS}/hosts.ts`,
    names: ['NETWORK_DRIVERS', 'ZNetworkDriver', 'NetworkDriver'],
    values: NETWORK_DRIVERS,
  },
  {
    concept: 'Engine kind',
    home: `${SCHEMAS}/config.ts`,
    names: ['ENGINE_KINDS', 'ZEngineKind', 'EngineKind', 'ZEngineSetting', 'EngineSetting'],
    values: ENGINE_KINDS,
  },
  {
    concept: 'Worker heartbeat status',
    home: `${SCHEMAS}/config.ts`,
    names: ['WORKER_STATUSES', 'ZWorkerStatus', 'WorkerStatus'],
    values: WORKER_STATUSES,
  },
  {
    concept: 'Health verdict',
    home: `${SCHEMAS}/config.ts`,
    names: ['ZHealthStatus', 'HealthStatus'],
    values: ZHealthStatus.options,
  },
  {
    concept: 'Health component status',
    home: `${SCHEMAS}/config.ts`,
    names: ['ZComponentStatus', 'ComponentStatus'],
    values: ZComponentStatus.options,
  },
  { concept: 'Role', home: `${SCHEMAS}/users.ts`, names: ['ZRole', 'Role'], values: ZRole.options },
  {
    concept: 'Attacker sort',
    home: `${SCHEMAS}/logs.ts`,
    names: ['ZAttackerSort', 'AttackerSort'],
    values: ZAttackerSort.options,
  },
  {
    concept: 'Port protocol',
    home: 'packages/core/src/catalog/services.ts',
    names: ['PORT_PROTOCOLS', 'PortProtocol'],
    values: PORT_PROTOCOLS,
  },
  {
    concept: 'Decky (and host) name pattern',
    home: `${SCHEMAS}/common.ts`,
    names: ['DECKY_NAME_RE', 'ZDeckyName', 'DeckyName'],
    fragments: [DECKY_NAME_RE.source.replace(/^\^|\$$/g, '')],
  },
  {
    concept: 'Mutation interval syntax',
    home: 'packages/core/src/mutation/interval.ts',
    names: ['INTERVAL_PATTERN', 'INTERVAL_RE'],
    fragments: ['[mhdwMy]'],
  },
]

/** A definition of a concept outside its home. */
export type Drift = { concept: string; file: string; line: number; text: string; why: string }

/**
 * When a literal list is a copy of a concept's values: it holds all of them but at most one, and
 * shared members over all members (Jaccard) reach 0.6, so a copy that drifted by a member or two is
 * caught while a few members picked for a check (`['active', 'unreachable', 'enrolled']` of five
 * statuses) are not. A narrowing that keeps almost all is written `Extract<WorkerStatus, …>`.
 */
function isCopy(list: readonly string[], values: readonly string[]): boolean {
  const a = new Set(list)
  const b = new Set(values)
  const shared = [...a].filter((value) => b.has(value)).length
  return shared >= 2 && shared >= b.size - 1 && shared / new Set([...a, ...b]).size >= 0.6
}

// Two or more quoted literals separated by `|` or `,`: a union, an array, an enum's options.
const LITERAL_LIST = /(['"])[^'"\n]*\1(?:\s*[|,]\s*(['"])[^'"\n]*\2)+/g
// A narrowing of an imported concept (`Extract<DeckyState, 'running' | …>`) names it, so it is no copy.
const NARROWING_BEFORE = /(?:Extract|Exclude)<\s*[\w.]+\s*,\s*$/

/** Comments say what a concept is without defining it; strings and regexes keep their text. */
function withoutComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1')
}

function lineOf(source: string, index: number): number {
  return source.slice(0, index).split('\n').length
}

/** Every definition of a listed concept in `source` (of workspace-relative `file`) outside its home. */
export function findDrift(file: string, rawSource: string, homes = CONCEPT_HOMES): Drift[] {
  const source = withoutComments(rawSource)
  const drift: Drift[] = []
  const report = (concept: string, index: number, text: string, why: string) =>
    drift.push({ concept, file, line: lineOf(source, index), text: text.trim().slice(0, 120), why })
  for (const home of homes) {
    if (file === home.home) continue
    for (const name of home.names) {
      // A declaration, not an inline `type X` in an import list: a name followed by = < ( { : or extends.
      const definition = new RegExp(
        `\\b(?:type|interface|const|let|var|enum|class|function)\\s+${name}(?=\\s*(?:[=<({:]|extends\\b))`,
        'g',
      )
      for (const match of source.matchAll(definition)) {
        report(home.concept, match.index, match[0], `defines ${name}; import it from core`)
      }
    }
    for (const fragment of home.fragments ?? []) {
      let index = source.indexOf(fragment)
      while (index !== -1) {
        report(home.concept, index, fragment, 'copies its pattern; import it from core')
        index = source.indexOf(fragment, index + fragment.length)
      }
    }
    if (!home.values) continue
    for (const match of source.matchAll(LITERAL_LIST)) {
      if (NARROWING_BEFORE.test(source.slice(Math.max(0, match.index - 80), match.index))) continue
      const list = [...match[0].matchAll(/(['"])([^'"\n]*)\1/g)].map((literal) => literal[2] ?? '')
      if (isCopy(list, home.values)) {
        report(
          home.concept,
          match.index,
          match[0],
          `lists its values (${home.values.join(', ')}); import them from core`,
        )
      }
    }
  }
  return drift
}

const SOURCE_FILE = /\.(?:ts|tsx|mts|cts|js|mjs|jsx)$/
const SKIPPED_DIRS = new Set(['node_modules', '.next', 'dist', 'generated', 'migrations', '.turbo'])

/** The workspace's source files: apps/<name>/src and packages/<name>/src, workspace-relative. */
export function workspaceSources(root: string): string[] {
  const files: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (SKIPPED_DIRS.has(entry)) continue
      const full = path.join(dir, entry)
      if (statSync(full).isDirectory()) walk(full)
      else if (SOURCE_FILE.test(entry) && !entry.endsWith('.d.ts')) files.push(path.relative(root, full))
    }
  }
  for (const group of ['apps', 'packages']) {
    for (const name of readdirSync(path.join(root, group))) {
      const src = path.join(root, group, name, 'src')
      if (statSync(path.join(root, group, name)).isDirectory() && safeIsDir(src)) walk(src)
    }
  }
  return files.map((file) => file.split(path.sep).join('/')).sort()
}

function safeIsDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory()
  } catch {
    return false
  }
}

export function findWorkspaceDrift(root: string): Drift[] {
  return workspaceSources(root).flatMap((file) =>
    findDrift(file, readFileSync(path.join(root, file), 'utf8')),
  )
}
