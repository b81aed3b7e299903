// The parser ships no types; this is the prom2json shape it returns (values as strings).
declare module 'parse-prometheus-text-format' {
  export type PrometheusSample = { value?: string; labels?: Record<string, string> }
  export type PrometheusFamily = { name: string; help: string; type: string; metrics: PrometheusSample[] }
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[]
}
