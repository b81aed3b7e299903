'use client'

import { NETWORK_DRIVERS, type NetworkDriver } from '@decnet/core/schemas'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { TextField } from '@/components/text-field.tsx'
import { useTRPC } from '@/trpc/client.ts'
import { SelectOptions } from './select-options.tsx'

type Pem = 'ca' | 'cert' | 'key'
const PEM_LABELS: Record<Pem, string> = {
  ca: 'CA certificate (ca.pem)',
  cert: 'Client certificate (client-cert.pem)',
  key: 'Client key (client-key.pem)',
}

/** One PEM: pasted, or read from a chosen file (it never leaves the browser except in the enrol request). */
function PemField({ pem, value, onValue }: { pem: Pem; value: string; onValue: (text: string) => void }) {
  return (
    <label className="field">
      <span>{PEM_LABELS[pem]}</span>
      <textarea
        rows={3}
        className="mono small"
        aria-label={PEM_LABELS[pem]}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        placeholder="-----BEGIN …"
      />
      <input
        type="file"
        accept=".pem,.crt,.key"
        aria-label={`${PEM_LABELS[pem]} file`}
        onChange={async (e) => {
          const file = e.target.files?.[0]
          if (file) onValue(await file.text())
        }}
      />
    </label>
  )
}

/**
 * Enrols a Docker engine listening with --tlsverify: the same hosts.enroll the CLI calls, so the
 * same checks (address policy, a mutual-TLS answer within the probe time, not this machine's engine,
 * not enrolled twice). Enrolling tests the connection; the decoy image is pushed to it afterwards.
 */
export function EnrollHostForm({ onEnrolled }: { onEnrolled: (message: string) => void }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [name, setName] = useState('')
  const [dockerUrl, setDockerUrl] = useState('')
  const [tls, setTls] = useState<Record<Pem, string>>({ ca: '', cert: '', key: '' })
  const [driver, setDriver] = useState<NetworkDriver>('macvlan')
  const [parent, setParent] = useState('')
  const [subnet, setSubnet] = useState('')
  const [gateway, setGateway] = useState('')
  const enroll = useMutation(
    trpc.hosts.enroll.mutationOptions({
      onSuccess: (host) => {
        setTls({ ca: '', cert: '', key: '' })
        queryClient.invalidateQueries({ queryKey: trpc.hosts.list.queryKey() })
        onEnrolled(
          `enrolled ${host.name}: Docker ${host.engine.version}; the decoy image is being pushed to it`,
        )
      },
    }),
  )
  const submit = (event: FormEvent) => {
    event.preventDefault()
    enroll.mutate({
      name,
      dockerUrl,
      tls,
      network: { driver, subnet, gateway, ...(parent ? { parent } : {}) },
    })
  }
  return (
    <form onSubmit={submit} data-testid="enroll-form" aria-label="Enrol a host">
      <h2>Enrol a host</h2>
      <div className="row">
        <TextField label="Name" value={name} onValue={setName} required />
        <TextField
          label="Engine URL"
          value={dockerUrl}
          onValue={setDockerUrl}
          placeholder="tcp://10.0.0.7:2376"
          required
        />
      </div>
      {(Object.keys(PEM_LABELS) as Pem[]).map((pem) => (
        <PemField key={pem} pem={pem} value={tls[pem]} onValue={(text) => setTls({ ...tls, [pem]: text })} />
      ))}
      <div className="row">
        <label className="field">
          <span>Network driver</span>
          <select value={driver} onChange={(e) => setDriver(e.target.value as NetworkDriver)}>
            <SelectOptions values={NETWORK_DRIVERS} />
          </select>
        </label>
        {driver !== 'bridge' && (
          <TextField label="Parent interface" value={parent} onValue={setParent} placeholder="eth0" />
        )}
        <TextField label="Subnet" value={subnet} onValue={setSubnet} placeholder="192.168.1.0/24" required />
        <TextField label="Gateway" value={gateway} onValue={setGateway} placeholder="192.168.1.1" required />
      </div>
      {enroll.error && <ErrorAlert error={enroll.error} testId="enroll-error" />}
      <button type="submit" disabled={enroll.isPending}>
        {enroll.isPending ? 'Testing the connection…' : 'Test connection and enrol'}
      </button>
    </form>
  )
}
