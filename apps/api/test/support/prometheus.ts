import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format'

/** A scrape parsed by a Prometheus text-format parser (throws on text Prometheus would not accept). */
export function parseScrape(text: string): PrometheusFamily[] {
  return parsePrometheusTextFormat(text)
}

/** The value of the sample of `name` whose labels include `labels` (undefined when absent). */
export function sampleValue(
  families: PrometheusFamily[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const family = families.find((each) => each.name === name)
  const sample = family?.metrics.find((each) =>
    Object.entries(labels).every(([key, value]) => each.labels?.[key] === value),
  )
  return sample?.value === undefined ? undefined : Number(sample.value)
}
