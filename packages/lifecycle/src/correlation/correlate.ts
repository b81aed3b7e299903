// Correlation (issue 16), pure: which source addresses look like one actor (identities) and which
// identities work together (campaigns), each decision with the evidence that made it.
//
// Identities: two addresses are linked when at least two of three signals agree — they share a
// fingerprint (a TLS/SSH/HTTP client fingerprint, or two weaker ones: client version, user agent),
// they tried the same credential, and their activity overlaps (or is within TIMING_SLACK_MS). Linked
// addresses are grouped transitively. Campaigns: identities (or lone addresses) are linked when they
// share a strong indicator (download URL, file hash, wallet), or a weak one (domain, IP, file name)
// together with at least two techniques that are not what every attacker does. Only traits seen
// from a few addresses reach here (db: DEFAULT_MAX_SHARED_BY), so a common value links nobody.
import { createHash } from 'node:crypto'
import type { CampaignWrite, CorrelationInputs, IdentityWrite } from '@decnet/db'

/** Two activity windows this close (or overlapping) count as "at the same time". */
export const TIMING_SLACK_MS = 30 * 60_000
/** Fingerprint kinds that identify a client implementation on their own. */
const STRONG_FINGERPRINTS = new Set(['ja3', 'ja4', 'hassh', 'ja4h'])
/** Indicators that tie two actors together on their own: the same payload, hash or wallet. */
const STRONG_IOCS = new Set(['url', 'sha256', 'sha1', 'md5', 'wallet'])
/** Techniques nearly every attacker shows: shared, they say nothing. */
const COMMON_TECHNIQUES = new Set([
  'T1110',
  'T1110.001',
  'T1110.003',
  'T1595',
  'T1595.001',
  'T1595.002',
  'T1190',
])
/**
 * Pairs examined per trait kind (fingerprints, credentials, indicators) and pass: the work stays
 * bounded whatever the traffic, and one kind cannot starve the others.
 */
export const MAX_PAIRS = 100_000
const MAX_EVIDENCE = 20
const MAX_LISTED = 5

export type CorrelationResult = {
  identities: IdentityWrite[]
  campaigns: CampaignWrite[]
  /** Pairs were dropped at MAX_PAIRS, or the inputs were truncated. */
  truncated: boolean
}

type PairSignals = {
  fingerprints: Set<string>
  strongFingerprint: boolean
  credentials: Set<string>
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`)

/**
 * Visits every pair of holders of each trait, rarest traits first (the most telling, should the
 * budget run out); false when the budget ran out.
 */
function visitPairs(
  holders: Map<string, Set<string>>,
  visit: (a: string, b: string, trait: string) => void,
): boolean {
  const budget = { left: MAX_PAIRS }
  const traits = [...holders].sort(([a, x], [b, y]) => x.size - y.size || (a < b ? -1 : a > b ? 1 : 0))
  for (const [trait, set] of traits) {
    const list = [...set].sort()
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        if (budget.left <= 0) return false
        budget.left--
        visit(list[i] as string, list[j] as string, trait)
      }
    }
  }
  return true
}

function group<T>(rows: readonly T[], key: (row: T) => string, member: (row: T) => string) {
  const map = new Map<string, Set<string>>()
  for (const row of rows) {
    const k = key(row)
    const set = map.get(k) ?? new Set<string>()
    set.add(member(row))
    map.set(k, set)
  }
  return map
}

class UnionFind {
  private readonly parent = new Map<string, string>()
  find(x: string): string {
    let root = x
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root) as string
    // Path compression keeps later finds flat.
    let node = x
    while (node !== root) {
      const next = this.parent.get(node) as string
      this.parent.set(node, root)
      node = next
    }
    if (!this.parent.has(root)) this.parent.set(root, root)
    return root
  }
  union(a: string, b: string): void {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra === rb) return
    // The smaller address becomes the root, so a component's root does not depend on link order.
    const [low, high] = ra < rb ? [ra, rb] : [rb, ra]
    this.parent.set(high, low)
  }
  components(members: Iterable<string>): string[][] {
    const byRoot = new Map<string, string[]>()
    for (const m of members) {
      const root = this.find(m)
      const list = byRoot.get(root)
      if (list) list.push(m)
      else byRoot.set(root, [m])
    }
    return [...byRoot.values()].map((c) => c.sort())
  }
}

const stableId = (prefix: string, members: readonly string[]) =>
  `${prefix}-${createHash('sha256').update(members.join(',')).digest('hex').slice(0, 16)}`

const short = (value: string) => (value.length > 48 ? `${value.slice(0, 45)}…` : value)

const listed = (values: readonly string[]) =>
  values.length > MAX_LISTED
    ? `${values.slice(0, MAX_LISTED).join(', ')} and ${values.length - MAX_LISTED} more`
    : values.join(', ')

function overlaps(a: { firstSeen: Date; lastSeen: Date }, b: { firstSeen: Date; lastSeen: Date }): boolean {
  return (
    a.firstSeen.getTime() <= b.lastSeen.getTime() + TIMING_SLACK_MS &&
    b.firstSeen.getTime() <= a.lastSeen.getTime() + TIMING_SLACK_MS
  )
}

/** Identities and campaigns from what addresses share. */
export function correlate(inputs: CorrelationInputs): CorrelationResult {
  let complete = true
  const activity = new Map(inputs.activity.map((a) => [a.ip, a]))

  // --- identities: fingerprints + credentials + timing
  const pairs = new Map<string, PairSignals>()
  const signalsOf = (a: string, b: string) => {
    const key = pairKey(a, b)
    let signals = pairs.get(key)
    if (!signals) {
      signals = { fingerprints: new Set(), strongFingerprint: false, credentials: new Set() }
      pairs.set(key, signals)
    }
    return signals
  }
  const byFingerprint = group(
    inputs.fingerprints,
    (f) => `${f.kind}\u0000${f.value}`,
    (f) => f.ip,
  )
  complete = visitPairs(byFingerprint, (a, b, trait) => {
    const [kind = '', value = ''] = trait.split('\u0000')
    const signals = signalsOf(a, b)
    signals.fingerprints.add(`${kind} ${short(value)}`)
    if (STRONG_FINGERPRINTS.has(kind)) signals.strongFingerprint = true
  })
  // The evidence names a credential by its user name only: the secret is never written into evidence.
  const principals = new Map(
    inputs.credentials.map((c) => [`${c.kind}\u0000${c.principal}\u0000${c.secretHash}`, c.principal]),
  )
  const byCredential = group(
    inputs.credentials,
    (c) => `${c.kind}\u0000${c.principal}\u0000${c.secretHash}`,
    (c) => c.ip,
  )
  complete =
    visitPairs(byCredential, (a, b, trait) => {
      signalsOf(a, b).credentials.add(trait)
    }) && complete

  const identityLinks = new UnionFind()
  const linksOf = new Map<string, string[]>()
  const identityReasons = new Map<string, Set<string>>()
  const addLink = (ip: string, text: string) => {
    const list = linksOf.get(ip)
    if (!list) linksOf.set(ip, [text])
    else if (list.length < MAX_EVIDENCE) list.push(text)
  }
  for (const [key, signals] of pairs) {
    const [a = '', b = ''] = key.split('\u0000')
    const seenA = activity.get(a)
    const seenB = activity.get(b)
    const fingerprint = signals.strongFingerprint || signals.fingerprints.size >= 2
    const credential = signals.credentials.size > 0
    const timing = seenA !== undefined && seenB !== undefined && overlaps(seenA, seenB)
    if (Number(fingerprint) + Number(credential) + Number(timing) < 2) continue
    identityLinks.union(a, b)
    const reasons: string[] = []
    if (fingerprint) reasons.push(`same fingerprint (${listed([...signals.fingerprints].sort())})`)
    if (credential) {
      const users = [...new Set([...signals.credentials].map((c) => principals.get(c) ?? '?'))].sort()
      reasons.push(`${signals.credentials.size} credential(s) in common (user ${listed(users)})`)
    }
    if (timing) reasons.push('active at the same time')
    addLink(a, `with ${b}: ${reasons.join('; ')}`)
    addLink(b, `with ${a}: ${reasons.join('; ')}`)
    for (const ip of [a, b]) {
      const set = identityReasons.get(ip) ?? new Set<string>()
      for (const reason of reasons) set.add(reason)
      identityReasons.set(ip, set)
    }
  }

  const allIps = new Set([
    ...inputs.fingerprints.map((f) => f.ip),
    ...inputs.credentials.map((c) => c.ip),
    ...inputs.iocs.map((i) => i.ip),
  ])
  // Every address is a unit: its identity's root, or itself.
  const unitOf = (ip: string) => identityLinks.find(ip)
  const units = new Map<string, string[]>()
  for (const component of identityLinks.components(allIps)) {
    units.set(unitOf(component[0] as string), component)
  }

  // --- campaigns: units sharing indicators and uncommon techniques
  const techniquesOfUnit = new Map<string, Set<string>>()
  for (const t of inputs.techniques) {
    if (COMMON_TECHNIQUES.has(t.technique)) continue
    const unit = unitOf(t.ip)
    const set = techniquesOfUnit.get(unit) ?? new Set<string>()
    set.add(t.technique)
    techniquesOfUnit.set(unit, set)
  }
  const byIoc = group(
    inputs.iocs,
    (i) => `${i.kind}\u0000${i.value}`,
    (i) => unitOf(i.ip),
  )
  const unitPairs = new Map<string, { strong: string[]; weak: string[] }>()
  complete =
    visitPairs(byIoc, (a, b, trait) => {
      const key = pairKey(a, b)
      const shared = unitPairs.get(key) ?? { strong: [], weak: [] }
      const [kind = ''] = trait.split('\u0000')
      ;(STRONG_IOCS.has(kind) ? shared.strong : shared.weak).push(trait)
      unitPairs.set(key, shared)
    }) && complete
  const campaignLinks = new UnionFind()
  const campaignIocs = new Map<string, Set<string>>()
  for (const [key, shared] of unitPairs) {
    const [a = '', b = ''] = key.split('\u0000')
    const common = [...(techniquesOfUnit.get(a) ?? [])].filter((t) => techniquesOfUnit.get(b)?.has(t))
    if (shared.strong.length === 0 && !(shared.weak.length > 0 && common.length >= 2)) continue
    campaignLinks.union(a, b)
    for (const unit of [a, b]) {
      const set = campaignIocs.get(unit) ?? new Set<string>()
      for (const trait of [...shared.strong, ...shared.weak]) set.add(trait)
      campaignIocs.set(unit, set)
    }
  }

  const campaigns: CampaignWrite[] = []
  const campaignOfUnit = new Map<string, string>()
  const linkedUnits = [...unitPairs.keys()].flatMap((key) => key.split('\u0000'))
  for (const component of campaignLinks.components(new Set(linkedUnits))) {
    if (component.length < 2) continue
    const identityIds = component.map((unit) => stableId('ident', units.get(unit) ?? [unit]))
    const id = stableId('camp', [...identityIds].sort())
    const ips = component.flatMap((unit) => units.get(unit) ?? [unit])
    const iocs = [...new Set(component.flatMap((unit) => [...(campaignIocs.get(unit) ?? [])]))]
      .sort()
      .map((trait) => {
        const [kind = '', value = ''] = trait.split('\u0000')
        return { kind, value }
      })
    const techniqueCounts = new Map<string, number>()
    for (const unit of component) {
      for (const t of techniquesOfUnit.get(unit) ?? [])
        techniqueCounts.set(t, (techniqueCounts.get(t) ?? 0) + 1)
    }
    const techniques = [...techniqueCounts]
      .filter(([, n]) => n >= 2)
      .map(([t]) => t)
      .sort()
    const times = ips.flatMap((ip) => {
      const seen = activity.get(ip)
      return seen ? [seen] : []
    })
    const evidence = [
      ...iocs.slice(0, MAX_EVIDENCE).map((ioc) => `shared indicator: ${ioc.kind} ${short(ioc.value)}`),
      ...(techniques.length > 0 ? [`techniques in common: ${techniques.join(', ')}`] : []),
    ]
    for (const unit of component) campaignOfUnit.set(unit, id)
    campaigns.push({
      id,
      identityIds,
      ipCount: ips.length,
      evidence: evidence.slice(0, MAX_EVIDENCE),
      iocs: iocs.slice(0, 100),
      techniques,
      ...span(times),
    })
  }

  const identities: IdentityWrite[] = []
  for (const [unit, members] of units) {
    const campaignId = campaignOfUnit.get(unit) ?? null
    if (members.length < 2 && campaignId === null) continue
    const reasons = new Set(members.flatMap((ip) => [...(identityReasons.get(ip) ?? [])]))
    const times = members.flatMap((ip) => {
      const seen = activity.get(ip)
      return seen ? [seen] : []
    })
    identities.push({
      id: stableId('ident', members),
      members: members.map((ip) => ({ ip, evidence: (linksOf.get(ip) ?? []).slice(0, MAX_EVIDENCE) })),
      evidence:
        members.length > 1
          ? [`${members.length} addresses linked`, ...[...reasons].slice(0, MAX_EVIDENCE - 1)]
          : ['a single address'],
      campaignId,
      ...span(times),
    })
  }
  identities.sort((a, b) => b.members.length - a.members.length || (a.id < b.id ? -1 : 1))
  campaigns.sort((a, b) => b.ipCount - a.ipCount || (a.id < b.id ? -1 : 1))
  return { identities, campaigns, truncated: inputs.truncated || !complete }
}

function span(times: { firstSeen: Date; lastSeen: Date }[]): { firstSeen: Date; lastSeen: Date } {
  if (times.length === 0) return { firstSeen: new Date(0), lastSeen: new Date(0) }
  let firstSeen = times[0]?.firstSeen as Date
  let lastSeen = times[0]?.lastSeen as Date
  for (const t of times) {
    if (t.firstSeen < firstSeen) firstSeen = t.firstSeen
    if (t.lastSeen > lastSeen) lastSeen = t.lastSeen
  }
  return { firstSeen, lastSeen }
}
