// Lifecycle operations this browser started (deploys, mutations, teardowns). Kept in localStorage so
// leaving the wizard never loses sight of a deploy: the fleet page picks them up and keeps watching
// them live. The deploy itself runs on the server whatever happens here.

export type TrackedOp = { key: string; label: string; ids: string[]; at: string }

const STORAGE_KEY = 'decnet.trackedOps'
const EVENT = 'decnet:tracked-ops'
const MAX_OPS = 20

export function readTrackedOps(): TrackedOp[] {
  if (typeof window === 'undefined') return []
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '[]')
    if (!Array.isArray(parsed)) return []
    return parsed.filter(
      (op): op is TrackedOp =>
        typeof op === 'object' &&
        op !== null &&
        typeof op.key === 'string' &&
        typeof op.label === 'string' &&
        typeof op.at === 'string' &&
        Array.isArray(op.ids) &&
        op.ids.length > 0 &&
        op.ids.every((id: unknown) => typeof id === 'string'),
    )
  } catch {
    return []
  }
}

function write(ops: TrackedOp[]) {
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(ops.slice(-MAX_OPS)))
  window.dispatchEvent(new Event(EVENT))
}

export function addTrackedOp(label: string, ids: string[]): TrackedOp {
  const op: TrackedOp = { key: ids.join(','), label, ids, at: new Date().toISOString() }
  write([...readTrackedOps().filter((existing) => existing.key !== op.key), op])
  return op
}

export function removeTrackedOp(key: string) {
  write(readTrackedOps().filter((op) => op.key !== key))
}

export function onTrackedOpsChange(listener: () => void): () => void {
  window.addEventListener(EVENT, listener)
  window.addEventListener('storage', listener)
  return () => {
    window.removeEventListener(EVENT, listener)
    window.removeEventListener('storage', listener)
  }
}

export function clearTrackedOps() {
  write([])
}
