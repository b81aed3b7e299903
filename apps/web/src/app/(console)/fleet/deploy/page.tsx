'use client'

import { INTERVAL_RE, DECKY_NAME_RE as NAME_RE } from '@decnet/core/schemas'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import Link from 'next/link'
import { type ReactNode, useEffect, useMemo, useState } from 'react'
import { Chips } from '../../../../components/chips.tsx'
import { EngineBanner } from '../../../../components/engine-banner.tsx'
import { LifecycleProgress } from '../../../../components/lifecycle-progress.tsx'
import { useIsAdmin } from '../../../../components/session.tsx'
import { errorCode, errorMessage } from '../../../../lib/errors.ts'
import { plural } from '../../../../lib/format.ts'
import { addTrackedOp } from '../../../../lib/tracked-ops.ts'
import { type RouterOutputs, useTRPC } from '../../../../trpc/client.ts'

type Service = RouterOutputs['catalog']['services'][number]
type Archetype = RouterOutputs['catalog']['archetypes'][number]
type ConfigField = Service['config'][number]
type ConfigValue = string | number | boolean | string[]
type ServiceSlug = Service['slug']
type WriteFleetIni = typeof import('@decnet/core')['writeFleetIni']

const STEPS = ['Services', 'Configure', 'Mutation', 'Review', 'Deploy'] as const
const SECRET_MASK = '••••••••'

function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean)
}

/** `<prefix>-NN` names that collide neither with the fleet nor with each other. */
function freeNames(prefix: string, count: number, taken: ReadonlySet<string>): string[] {
  const names: string[] = []
  for (let i = 1; names.length < count && i < 100_000; i++) {
    const candidate = `${prefix}-${String(i).padStart(2, '0')}`
    if (!taken.has(candidate)) names.push(candidate)
  }
  return names
}

function ConfigFieldInput({
  service,
  field,
  value,
  onChange,
}: {
  service: ServiceSlug
  field: ConfigField
  value: ConfigValue | undefined
  onChange: (value: ConfigValue | undefined) => void
}) {
  const [revealed, setRevealed] = useState(false)
  const id = `cfg-${service}-${field.key}`
  const placeholder = field.default !== undefined ? `default: ${String(field.default)}` : undefined
  const secret = field.secret === true || field.type === 'password'
  let control: ReactNode
  switch (field.type) {
    case 'bool':
      control = (
        <select
          id={id}
          value={value === undefined ? '' : String(value)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}
        >
          <option value="">default{field.default !== undefined ? ` (${String(field.default)})` : ''}</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      )
      break
    case 'enum':
      control = (
        <select
          id={id}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value || undefined)}
        >
          <option value="">default{field.default !== undefined ? ` (${String(field.default)})` : ''}</option>
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      )
      break
    case 'multi_enum': {
      const selected = new Set(Array.isArray(value) ? value : [])
      control = (
        <fieldset id={id} className="chips" style={{ border: 'none', padding: 0, margin: 0 }}>
          <legend className="sr-only">{field.label}</legend>
          {(field.options ?? []).map((option) => (
            <label key={option} className="badge">
              <input
                type="checkbox"
                checked={selected.has(option)}
                onChange={(e) => {
                  const next = new Set(selected)
                  if (e.target.checked) next.add(option)
                  else next.delete(option)
                  const list = (field.options ?? []).filter((o) => next.has(o))
                  onChange(list.length > 0 ? list : undefined)
                }}
              />
              {option}
            </label>
          ))}
        </fieldset>
      )
      break
    }
    case 'int':
      control = (
        <input
          id={id}
          type="number"
          min={field.min}
          max={field.max}
          placeholder={placeholder}
          value={typeof value === 'number' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      )
      break
    case 'textarea':
      control = (
        <textarea
          id={id}
          rows={3}
          placeholder={placeholder}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        />
      )
      break
    default:
      control = (
        <span className="row">
          <input
            id={id}
            type={secret && !revealed ? 'password' : 'text'}
            autoComplete="off"
            placeholder={secret ? undefined : placeholder}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
            style={{ flex: 1 }}
          />
          {secret && (
            <button type="button" onClick={() => setRevealed(!revealed)} aria-pressed={revealed}>
              {revealed ? 'Hide' : 'Show'}
            </button>
          )}
        </span>
      )
  }
  return (
    <div className="field">
      <label htmlFor={id} style={{ fontWeight: 600, fontSize: 12 }}>
        {field.label} <span className="muted mono">({field.key})</span>
        {secret && <span className="badge warn">secret</span>}
      </label>
      {control}
      {field.help && <span className="help">{field.help}</span>}
    </div>
  )
}

export default function DeployWizardPage() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const isAdmin = useIsAdmin()
  const services = useQuery(trpc.catalog.services.queryOptions())
  const archetypes = useQuery(trpc.catalog.archetypes.queryOptions())
  const distros = useQuery(trpc.catalog.distros.queryOptions())
  const fleet = useQuery(trpc.fleet.list.queryOptions())
  const config = useQuery(trpc.config.get.queryOptions())
  const hosts = useQuery(trpc.hosts.list.queryOptions(undefined, { enabled: isAdmin }))
  // Hosts a decky could go to (an unreachable one is listed, but cannot be picked).
  const placeable = (hosts.data ?? []).filter((host) => host.status !== 'decommissioned')

  const [step, setStep] = useState(0)
  // The INI writer (with the whole catalogue and zod) loads after the first paint, not in first-load JS.
  const [writeFleetIni, setWriteFleetIni] = useState<WriteFleetIni | null>(null)
  useEffect(() => {
    let live = true
    void import('@decnet/core').then((core) => {
      if (live) setWriteFleetIni(() => core.writeFleetIni)
    })
    return () => {
      live = false
    }
  }, [])
  const [pickMode, setPickMode] = useState<'archetype' | 'services'>('archetype')
  const [archetype, setArchetype] = useState<Archetype['slug'] | null>(null)
  const [picked, setPicked] = useState<ServiceSlug[]>([])
  const [distro, setDistro] = useState('')
  const [namingMode, setNamingMode] = useState<'prefix' | 'explicit'>('prefix')
  const [prefix, setPrefix] = useState('decky')
  const [count, setCount] = useState(1)
  const [explicitNames, setExplicitNames] = useState('')
  const [ipMode, setIpMode] = useState<'auto' | 'explicit'>('auto')
  const [explicitIps, setExplicitIps] = useState('')
  /** A host name, or '' to let DECNET place each decky on the host with the most free capacity. */
  const [placement, setPlacement] = useState('')
  const [settings, setSettings] = useState<Partial<Record<ServiceSlug, Record<string, ConfigValue>>>>({})
  const [intervalMode, setIntervalMode] = useState<'global' | 'custom'>('global')
  const [interval, setIntervalText] = useState('30m')
  const [showSecrets, setShowSecrets] = useState(false)
  const [ownIni, setOwnIni] = useState(false)
  const [customIni, setCustomIni] = useState('')
  const [replaceFleet, setReplaceFleet] = useState(false)
  const [submitted, setSubmitted] = useState<{
    ids: string[]
    message: string
    teardownIds: string[]
  } | null>(null)

  const serviceBySlug = useMemo(
    () => new Map((services.data ?? []).map((service) => [service.slug, service])),
    [services.data],
  )
  const chosenArchetype = archetypes.data?.find((a) => a.slug === archetype)
  const effectiveServices: ServiceSlug[] =
    pickMode === 'archetype' ? [...(chosenArchetype?.services ?? [])] : picked
  const taken = useMemo(() => new Set((fleet.data ?? []).map((d) => d.name)), [fleet.data])

  const cleanPrefix = prefix.trim().toLowerCase().replace(/\s+/g, '-')
  const names =
    namingMode === 'prefix'
      ? freeNames(cleanPrefix, Math.max(1, Math.min(count, 100)), taken)
      : splitList(explicitNames)
  const ips = ipMode === 'explicit' ? splitList(explicitIps) : []

  const problems: string[] = []
  if (namingMode === 'prefix' && !NAME_RE.test(`${cleanPrefix}-01`)) {
    problems.push(
      'The prefix may hold only lower-case letters, digits and "-", starting with a letter or digit.',
    )
  }
  if (namingMode === 'explicit') {
    if (names.length === 0) problems.push('Enter at least one decky name.')
    for (const name of names) {
      if (!NAME_RE.test(name)) problems.push(`"${name}" is not a valid decky name (a-z, 0-9, "-").`)
      else if (taken.has(name)) problems.push(`"${name}" already exists in the fleet.`)
    }
    if (new Set(names).size !== names.length) problems.push('A name is repeated.')
  }
  if (ipMode === 'explicit' && ips.length !== names.length) {
    problems.push(
      `Give exactly one IP per decky (${plural(names.length, 'decky', 'deckies')}, ${ips.length} IPs).`,
    )
  }
  if (intervalMode === 'custom' && !INTERVAL_RE.test(interval.trim())) {
    problems.push('The mutation interval must look like 30m, 2h, 1d or 1w.')
  }

  const compacted = useMemo(() => {
    const out: Record<string, Record<string, ConfigValue>> = {}
    for (const slug of effectiveServices) {
      const values = settings[slug]
      if (!values) continue
      const kept = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''))
      if (Object.keys(kept).length > 0) out[slug] = kept
    }
    return out
  }, [effectiveServices, settings])

  const render = (serviceConfig: Record<string, Record<string, ConfigValue>>) => {
    if (!writeFleetIni) throw new Error('preparing the INI writer…')
    return writeFleetIni({
      deckies: names.map((name, index) => ({
        name,
        ...(ips[index] ? { ip: ips[index] } : {}),
        ...(placement ? { host: placement } : {}),
        ...(pickMode === 'archetype' && archetype ? { archetype } : { services: effectiveServices }),
        ...(distro ? { distro } : {}),
        ...(intervalMode === 'custom' ? { mutateInterval: interval.trim() } : {}),
        serviceConfig,
      })),
    })
  }
  let generatedIni = ''
  let iniError: string | null = null
  try {
    generatedIni = render(compacted)
  } catch (error) {
    iniError = errorMessage(error)
  }
  // What the review shows: the same INI with secret settings masked until revealed.
  let hasSecrets = false
  const masked: Record<string, Record<string, ConfigValue>> = {}
  for (const [slug, values] of Object.entries(compacted)) {
    const fields = serviceBySlug.get(slug as ServiceSlug)?.config ?? []
    masked[slug] = Object.fromEntries(
      Object.entries(values).map(([key, value]) => {
        const field = fields.find((f) => f.key === key)
        const secret = field?.secret === true || field?.type === 'password'
        if (secret) hasSecrets = true
        return [key, secret && typeof value === 'string' ? SECRET_MASK : value]
      }),
    )
  }
  let shownIni = generatedIni
  if (hasSecrets && !showSecrets && !iniError) {
    try {
      shownIni = render(masked)
    } catch {
      shownIni = '(hidden: contains secrets)'
    }
  }
  const ini = ownIni ? customIni : generatedIni
  const replace = ownIni && replaceFleet

  const reviewing = step === 3
  const preview = useQuery(
    trpc.fleet.preview.queryOptions(
      { ini, replaceFleet: replace },
      {
        enabled: isAdmin && reviewing && ini.trim().length > 0 && (ownIni || !iniError),
        retry: false,
        staleTime: 0,
      },
    ),
  )
  const deploy = useMutation(
    trpc.fleet.deploy.mutationOptions({
      onSuccess: (result) => {
        const label = `Deploy ${result.lifecycleIds.length === 1 ? 'of 1 decky' : `of ${result.lifecycleIds.length} deckies`}`
        if (result.lifecycleIds.length > 0) addTrackedOp(label, result.lifecycleIds)
        if (result.teardownIds.length > 0) addTrackedOp('Teardown (replace fleet)', result.teardownIds)
        setSubmitted({ ids: result.lifecycleIds, message: result.message, teardownIds: result.teardownIds })
        setStep(4)
        queryClient.invalidateQueries({ queryKey: trpc.fleet.list.queryKey() })
      },
    }),
  )

  if (!isAdmin) {
    return (
      <>
        <h1>Deploy deckies</h1>
        <p className="notice" role="note">
          Deploying needs the admin role. You can follow the fleet on the{' '}
          <Link href="/fleet">fleet page</Link>.
        </p>
      </>
    )
  }

  const canNext =
    step === 0
      ? effectiveServices.length > 0
      : step === 1
        ? problems.filter((p) => !p.startsWith('The mutation')).length === 0
        : step === 2
          ? problems.length === 0
          : false
  const previewError = preview.isError ? preview.error : null
  const canDeploy =
    reviewing &&
    !deploy.isPending &&
    preview.isSuccess &&
    preview.data.create.length + preview.data.remove.length > 0

  const setField = (slug: ServiceSlug, key: string, value: ConfigValue | undefined) =>
    setSettings((previous) => {
      const current = { ...(previous[slug] ?? {}) }
      if (value === undefined) delete current[key]
      else current[key] = value
      return { ...previous, [slug]: current }
    })

  return (
    <>
      <div className="topbar">
        <h1 style={{ margin: 0 }}>Deploy deckies</h1>
        <Link href="/fleet" className="button" data-testid="close-wizard">
          {step === 4 ? 'Close' : 'Cancel'}
        </Link>
      </div>
      <EngineBanner />
      <ol className="steps">
        {STEPS.map((label, index) => (
          <li
            key={label}
            aria-current={index === step ? 'step' : undefined}
            className={index < step ? 'done' : ''}
          >
            {index + 1}. {label}
          </li>
        ))}
      </ol>

      {step === 0 && (
        <section aria-labelledby="step-services">
          <h2 id="step-services" className="sr-only">
            Choose services
          </h2>
          <div
            className="row"
            role="radiogroup"
            aria-label="How to choose services"
            style={{ marginBottom: 10 }}
          >
            <label>
              <input
                type="radio"
                name="pick-mode"
                checked={pickMode === 'archetype'}
                onChange={() => setPickMode('archetype')}
              />
              Pick an archetype
            </label>
            <label>
              <input
                type="radio"
                name="pick-mode"
                checked={pickMode === 'services'}
                onChange={() => setPickMode('services')}
              />
              Pick services
            </label>
            <label style={{ marginLeft: 'auto' }}>
              Distro
              <select value={distro} onChange={(e) => setDistro(e.target.value)}>
                <option value="">automatic</option>
                {(distros.data ?? []).map((d) => (
                  <option key={d.slug} value={d.slug}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {pickMode === 'archetype' ? (
            <div className="cards" role="radiogroup" aria-label="Archetypes">
              {(archetypes.data ?? []).map((a) => (
                <label key={a.slug} className="card" data-testid={`archetype-${a.slug}`}>
                  <input
                    type="radio"
                    name="archetype"
                    value={a.slug}
                    checked={archetype === a.slug}
                    onChange={() => setArchetype(a.slug)}
                  />
                  <span>
                    <strong>{a.name}</strong> <span className="muted mono small">{a.slug}</span>
                    <div className="desc">{a.description}</div>
                    <div className="chips" style={{ marginTop: 4 }}>
                      {a.services.map((s) => (
                        <span key={s} className="badge">
                          {s}
                        </span>
                      ))}
                    </div>
                  </span>
                </label>
              ))}
            </div>
          ) : (
            <div className="cards">
              {(services.data ?? []).map((s) => (
                <label key={s.slug} className="card" data-testid={`service-${s.slug}`}>
                  <input
                    type="checkbox"
                    value={s.slug}
                    checked={picked.includes(s.slug)}
                    onChange={(e) =>
                      setPicked((previous) =>
                        e.target.checked ? [...previous, s.slug] : previous.filter((p) => p !== s.slug),
                      )
                    }
                  />
                  <span>
                    <strong>{s.name}</strong>{' '}
                    <span className="muted mono small">
                      {s.ports.map((p) => `${p.port}/${p.protocol}`).join(' ') || 'no port'}
                    </span>
                    <div className="desc">{s.description}</div>
                  </span>
                </label>
              ))}
            </div>
          )}
        </section>
      )}

      {step === 1 && (
        <section aria-labelledby="step-configure" className="grid-2">
          <div>
            <h2 id="step-configure" style={{ marginTop: 0 }}>
              Names and addresses
            </h2>
            <div className="row" role="radiogroup" aria-label="Naming" style={{ marginBottom: 8 }}>
              <label>
                <input
                  type="radio"
                  name="naming"
                  checked={namingMode === 'prefix'}
                  onChange={() => setNamingMode('prefix')}
                />
                Prefix and count
              </label>
              <label>
                <input
                  type="radio"
                  name="naming"
                  checked={namingMode === 'explicit'}
                  onChange={() => setNamingMode('explicit')}
                />
                Explicit names
              </label>
            </div>
            {namingMode === 'prefix' ? (
              <div className="row">
                <label className="field">
                  <span>Name prefix</span>
                  <input value={prefix} onChange={(e) => setPrefix(e.target.value)} />
                </label>
                <label className="field">
                  <span>Count</span>
                  <input
                    type="number"
                    min={1}
                    max={100}
                    value={count}
                    onChange={(e) => setCount(Math.max(1, Math.min(100, Number(e.target.value) || 1)))}
                  />
                </label>
              </div>
            ) : (
              <label className="field">
                <span>Decky names</span>
                <textarea
                  rows={3}
                  value={explicitNames}
                  onChange={(e) => setExplicitNames(e.target.value)}
                  placeholder="web-01, db-01"
                />
                <span className="help">Separated by commas, spaces or lines.</span>
              </label>
            )}
            <div className="row" role="radiogroup" aria-label="IP addresses" style={{ margin: '8px 0' }}>
              <label>
                <input
                  type="radio"
                  name="ip-mode"
                  checked={ipMode === 'auto'}
                  onChange={() => setIpMode('auto')}
                />
                Automatic IPs
              </label>
              <label>
                <input
                  type="radio"
                  name="ip-mode"
                  checked={ipMode === 'explicit'}
                  onChange={() => setIpMode('explicit')}
                />
                Explicit IPs
              </label>
            </div>
            {placeable.length > 1 && (
              <label className="field">
                <span>Host</span>
                <select
                  value={placement}
                  onChange={(e) => setPlacement(e.target.value)}
                  data-testid="placement"
                >
                  <option value="">Automatic (the active host with the most free capacity)</option>
                  {placeable.map((host) => (
                    <option key={host.id} value={host.name} disabled={host.status !== 'active'}>
                      {host.name} · {host.network.subnet}
                      {host.status === 'active'
                        ? ` · ${plural(host.deckyCount, 'decky', 'deckies')}`
                        : ` · ${host.status}`}
                    </option>
                  ))}
                </select>
                <span className="help">
                  Explicit IPs must lie in the chosen host's network; with automatic placement, a decky with
                  an explicit IP goes to a host whose network holds it.
                </span>
              </label>
            )}
            {ipMode === 'explicit' && (
              <label className="field">
                <span>IP addresses (one per decky, in order)</span>
                <textarea rows={2} value={explicitIps} onChange={(e) => setExplicitIps(e.target.value)} />
              </label>
            )}
            <h3>New deckies</h3>
            <p className="mono small" data-testid="planned-names">
              {names.length > 0
                ? names.map((name, i) => `${name}${ips[i] ? ` (${ips[i]})` : ''}`).join(', ')
                : '—'}
            </p>
            {problems.filter((p) => !p.startsWith('The mutation')).length > 0 && (
              <ul className="alert" role="alert">
                {problems
                  .filter((p) => !p.startsWith('The mutation'))
                  .map((p) => (
                    <li key={p}>{p}</li>
                  ))}
              </ul>
            )}
          </div>
          <div>
            <h2 style={{ marginTop: 0 }}>Per-service settings</h2>
            <p className="muted small">
              Empty fields keep the service defaults. Secrets are written to the INI.
            </p>
            {effectiveServices.map((slug) => {
              const service = serviceBySlug.get(slug)
              if (!service) return null
              const set = Object.keys(compacted[slug] ?? {}).length
              return (
                <details key={slug} className="panel" style={{ padding: '6px 10px', marginBottom: 6 }}>
                  <summary>
                    <strong>{service.name}</strong>{' '}
                    <span className="muted small">
                      {service.ports.map((p) => `${p.port}/${p.protocol}`).join(' ')}
                    </span>{' '}
                    {set > 0 && <span className="badge ok">{set} set</span>}
                    {service.config.length === 0 && <span className="muted small"> · no settings</span>}
                  </summary>
                  <div style={{ marginTop: 8 }}>
                    {service.config.map((field) => (
                      <ConfigFieldInput
                        key={field.key}
                        service={slug}
                        field={field}
                        value={settings[slug]?.[field.key]}
                        onChange={(value) => setField(slug, field.key, value)}
                      />
                    ))}
                  </div>
                </details>
              )
            })}
          </div>
        </section>
      )}

      {step === 2 && (
        <section aria-labelledby="step-mutation" className="panel">
          <h2 id="step-mutation" style={{ marginTop: 0 }}>
            Mutation interval
          </h2>
          <p className="muted">
            The mutator periodically swaps each decky&apos;s services. The global interval is{' '}
            <strong>{config.data?.globalMutationInterval ?? 'off'}</strong>.
          </p>
          <div className="stack" role="radiogroup" aria-label="Mutation interval">
            <label>
              <input
                type="radio"
                name="interval-mode"
                checked={intervalMode === 'global'}
                onChange={() => setIntervalMode('global')}
              />
              Follow the global interval
            </label>
            <label>
              <input
                type="radio"
                name="interval-mode"
                checked={intervalMode === 'custom'}
                onChange={() => setIntervalMode('custom')}
              />
              Mutate every
              <input
                aria-label="Custom mutation interval"
                size={6}
                value={interval}
                onChange={(e) => {
                  setIntervalText(e.target.value)
                  setIntervalMode('custom')
                }}
              />
              <span className="muted small">(30m, 2h, 1d, 1w…)</span>
            </label>
          </div>
          {intervalMode === 'custom' && !INTERVAL_RE.test(interval.trim()) && (
            <p className="alert" role="alert">
              The mutation interval must look like 30m, 2h, 1d or 1w.
            </p>
          )}
        </section>
      )}

      {step === 3 && (
        <section aria-labelledby="step-review" className="grid-2">
          <div>
            <h2 id="step-review" style={{ marginTop: 0 }}>
              Fleet INI
            </h2>
            <label>
              <input
                type="checkbox"
                checked={ownIni}
                onChange={(e) => {
                  setOwnIni(e.target.checked)
                  if (e.target.checked && !customIni) setCustomIni(generatedIni)
                  if (!e.target.checked) setReplaceFleet(false)
                }}
              />
              Paste my own INI instead
            </label>
            {ownIni ? (
              <>
                <textarea
                  aria-label="Fleet INI"
                  rows={14}
                  value={customIni}
                  onChange={(e) => setCustomIni(e.target.value)}
                  spellCheck={false}
                  data-testid="custom-ini"
                />
                <label style={{ marginTop: 6 }}>
                  <input
                    type="checkbox"
                    checked={replaceFleet}
                    onChange={(e) => setReplaceFleet(e.target.checked)}
                    data-testid="replace-fleet"
                  />
                  Replace the whole fleet with this INI
                </label>
                {replaceFleet && (
                  <p className="alert" role="alert">
                    <strong>Replace mode:</strong> every decky that is not in this INI is torn down, its
                    containers removed.{' '}
                    {preview.data
                      ? `This removes ${plural(preview.data.remove.length, 'decky', 'deckies')}.`
                      : ''}
                  </p>
                )}
              </>
            ) : (
              <>
                <pre className="ini" data-testid="generated-ini">
                  {iniError ? '' : shownIni}
                </pre>
                {hasSecrets && (
                  <button
                    type="button"
                    className="link small"
                    onClick={() => setShowSecrets(!showSecrets)}
                    aria-pressed={showSecrets}
                  >
                    {showSecrets ? 'Mask secrets' : 'Show secrets'}
                  </button>
                )}
              </>
            )}
            {!ownIni && iniError && (
              <p className="alert" role="alert">
                {iniError}
              </p>
            )}
          </div>
          <div>
            <h2 style={{ marginTop: 0 }}>Preview</h2>
            {preview.isFetching && <p className="muted">Checking with the API…</p>}
            {previewError && (
              <div className="alert" role="alert" data-testid="preview-error">
                <strong>{errorCode(previewError) ?? 'ERROR'}</strong>: {errorMessage(previewError)}
                <div className="small">Nothing will be deployed until this is fixed.</div>
              </div>
            )}
            {preview.isSuccess && (
              <div data-testid="preview">
                <p>
                  {plural(preview.data.create.length, 'new decky', 'new deckies')}
                  {preview.data.keep.length > 0 ? `, ${preview.data.keep.length} kept` : ''}
                  {preview.data.remove.length > 0 ? (
                    <strong className="status-failed">, {preview.data.remove.length} torn down</strong>
                  ) : (
                    ''
                  )}
                </p>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">IP</th>
                      <th scope="col">Host</th>
                      <th scope="col">Hostname / distro</th>
                      <th scope="col">Services</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.data.create.map((d) => (
                      <tr key={d.name} data-testid={`preview-${d.name}`}>
                        <td className="mono">{d.name}</td>
                        <td className="mono">{d.ip}</td>
                        <td className="mono" data-testid="preview-host">
                          {d.host}
                        </td>
                        <td className="small">
                          <span className="mono">{d.hostname}</span>
                          <div className="muted">
                            {d.distro} · {d.osFamily}
                          </div>
                        </td>
                        <td>
                          <Chips values={d.services} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {preview.data.remove.length > 0 && (
                  <p className="alert" data-testid="preview-remove">
                    Torn down: {preview.data.remove.join(', ')}
                  </p>
                )}
              </div>
            )}
            {deploy.isError && (
              <p className="alert" role="alert" data-testid="deploy-error">
                <strong>{errorCode(deploy.error) ?? 'ERROR'}</strong>: {errorMessage(deploy.error)}
              </p>
            )}
          </div>
        </section>
      )}

      {step === 4 && submitted && (
        <section aria-labelledby="step-progress">
          <h2 id="step-progress" style={{ marginTop: 0 }}>
            Live progress
          </h2>
          <p className="muted">
            {submitted.message}. Closing this page does not cancel the deploy: the fleet page keeps showing
            its progress.
          </p>
          {submitted.ids.length > 0 ? (
            <LifecycleProgress
              ids={submitted.ids}
              testId="deploy-progress"
              onEvent={() => queryClient.invalidateQueries({ queryKey: trpc.fleet.list.queryKey() })}
            />
          ) : (
            <p>No new decky was submitted.</p>
          )}
          {submitted.teardownIds.length > 0 && (
            <>
              <h3>Teardowns</h3>
              <LifecycleProgress ids={submitted.teardownIds} testId="teardown-progress" />
            </>
          )}
        </section>
      )}

      <div className="wizard-foot">
        <div className="row">
          {step > 0 && step < 4 && (
            <button type="button" onClick={() => setStep(step - 1)}>
              Back
            </button>
          )}
        </div>
        <div className="row">
          {step < 3 && (
            <button type="button" className="primary" disabled={!canNext} onClick={() => setStep(step + 1)}>
              Next
            </button>
          )}
          {step === 3 && (
            <button
              type="button"
              className={replace ? 'danger primary' : 'primary'}
              disabled={!canDeploy}
              onClick={() => deploy.mutate({ ini, replaceFleet: replace })}
              data-testid="deploy-button"
            >
              {deploy.isPending ? 'Deploying…' : replace ? 'Replace the fleet' : 'Deploy'}
            </button>
          )}
          {step === 4 && (
            <>
              <button
                type="button"
                onClick={() => {
                  setSubmitted(null)
                  setStep(0)
                  deploy.reset()
                }}
              >
                Deploy more
              </button>
              <Link href="/fleet" className="button primary">
                Go to the fleet
              </Link>
            </>
          )}
        </div>
      </div>
    </>
  )
}
