import {
  type DecnetError,
  type DecnetErrorCode,
  type ExistingDecky,
  isDecnetError,
  type NetworkContext,
  type PlanHost,
  parseFleetIni,
  planDeploy,
  seededRandom,
} from '../../src/index.ts'

/** The reference contract tests' network: 192.168.1.0/24, gateway .1, host .100. */
export const LAN: NetworkContext = {
  subnet: '192.168.1.0/24',
  gateway: '192.168.1.1',
  hostIp: '192.168.1.100',
}

export function existingDecky(
  name: string,
  ip: string,
  overrides: Partial<ExistingDecky> = {},
): ExistingDecky {
  return {
    name,
    ip,
    hostname: `SRV-${name.toUpperCase()}`,
    distro: 'debian',
    archetype: null,
    services: ['ssh'],
    serviceConfig: {},
    osFamily: 'linux',
    mutateIntervalMinutes: null,
    ...overrides,
  }
}

/** Parses and plans in one step, turning either stage's DecnetError into a thrown error. */
export function parseAndPlan(
  ini: string,
  options: {
    existing?: ExistingDecky[]
    replaceFleet?: boolean
    network?: NetworkContext
    hosts?: PlanHost[]
    seed?: number
  } = {},
) {
  const result = planDeploy({
    existing: options.existing ?? [],
    network: options.network ?? LAN,
    ...(options.hosts ? { hosts: options.hosts } : {}),
    ini: parseFleetIni(ini),
    replaceFleet: options.replaceFleet ?? false,
    random: seededRandom(options.seed ?? 42),
  })
  if (!result.ok) throw result.error
  return result.plan
}

/** Runs `fn` and returns the DecnetError it throws; fails if it throws anything else or nothing. */
export function catchDecnet(fn: () => unknown): DecnetError {
  try {
    fn()
  } catch (error) {
    if (isDecnetError(error)) return error
    throw new Error(`expected a DecnetError, got ${String(error)}`)
  }
  throw new Error('expected a DecnetError, nothing was thrown')
}

export function expectDecnet(fn: () => unknown, code: DecnetErrorCode, fragment: string): DecnetError {
  const error = catchDecnet(fn)
  if (error.code !== code || !error.message.includes(fragment)) {
    throw new Error(`expected ${code} containing "${fragment}", got ${error.code}: ${error.message}`)
  }
  return error
}
