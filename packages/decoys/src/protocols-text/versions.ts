/** Numeric comparison of dotted versions (`4.96` < `4.97` < `4.98.1`, `8.9p1` < `9.2p1`). */
export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.p-]/).map((part) => Number.parseInt(part, 10) || 0)
  const right = b.split(/[.p-]/).map((part) => Number.parseInt(part, 10) || 0)
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0)
    if (diff !== 0) return diff
  }
  return 0
}
