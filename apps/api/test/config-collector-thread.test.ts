// DECNET_COLLECTOR_THREAD: on by default; off (or 0/false/no) keeps the collector on the API's thread.
// Both arrangements are exercised end to end by system-traffic.test.ts.
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.ts'

describe('DECNET_COLLECTOR_THREAD', () => {
  it('is on by default and when set on', () => {
    expect(loadConfig({}).collectorThread).toBe(true)
    for (const on of ['on', '1', 'true', 'yes'])
      expect(loadConfig({ DECNET_COLLECTOR_THREAD: on }).collectorThread).toBe(true)
  })

  it('off, 0, false or no keep the collector on the API thread', () => {
    for (const off of ['off', '0', 'false', 'no'])
      expect(loadConfig({ DECNET_COLLECTOR_THREAD: off }).collectorThread).toBe(false)
  })
})
