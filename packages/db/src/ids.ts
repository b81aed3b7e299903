// Time-ordered ids (UUIDv7 layout): rows created in one millisecond, e.g. the lifecycle rows of one
// deploy plan, still sort in creation order by (startedAt, id), so runners process them in order.
import { randomBytes } from 'node:crypto'

let lastMs = 0
let sequence = 0

export function orderedId(now = Date.now()): string {
  if (now <= lastMs) {
    // Same (or a skewed-back) millisecond: keep counting on the previous one so ids stay increasing.
    sequence++
    if (sequence > 0xfff) {
      lastMs++
      sequence = 0
    }
  } else {
    lastMs = now
    sequence = 0
  }
  const time = lastMs.toString(16).padStart(12, '0')
  const random = randomBytes(8).toString('hex')
  const variant = ((Number.parseInt(random.slice(0, 1), 16) & 0x3) | 0x8).toString(16)
  return `${time.slice(0, 8)}-${time.slice(8)}-7${sequence.toString(16).padStart(3, '0')}-${variant}${random.slice(1, 4)}-${random.slice(4, 16)}`
}
