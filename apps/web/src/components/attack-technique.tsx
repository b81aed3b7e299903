import { SafeText } from './safe-text.tsx'

const TECHNIQUE_ID = /^T(\d{4})(?:\.(\d{3}))?$/

/** MITRE's page for a technique id (`T1053.003` → …/techniques/T1053/003/); none for a malformed id. */
export function attackTechniqueUrl(id: string): string | null {
  const match = TECHNIQUE_ID.exec(id)
  if (!match) return null
  return `https://attack.mitre.org/techniques/T${match[1]}/${match[2] ? `${match[2]}/` : ''}`
}

/** A technique as `T1105 Ingress Tool Transfer`, the id linking to ATT&CK when it is well-formed. */
export function AttackTechnique({ id, name }: { id: string; name: string | null }) {
  const url = attackTechniqueUrl(id)
  return (
    <span>
      {url ? (
        <a className="mono" href={url} target="_blank" rel="noopener noreferrer">
          {id}
        </a>
      ) : (
        <span className="mono">
          <SafeText value={id} limit={32} />
        </span>
      )}{' '}
      {name && <SafeText value={name} limit={120} />}
    </span>
  )
}
