// CSV as RFC 4180 (CRLF line ends, fields with a quote, comma or line break quoted, quotes doubled),
// made safe for spreadsheets: the cells are attacker data, and a cell a spreadsheet would read as a
// formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`, `-2+3`) is escaped with a leading apostrophe (OWASP
// "CSV injection"). Each cell is capped so one hostile value cannot make a row unopenable.

/** Longest cell written, in UTF-16 code units (spreadsheets stop at 32,767 characters per cell). */
export const MAX_CSV_CELL = 8192
export const CELL_CUT_MARK = '…[cut]'

/** First characters that make a spreadsheet evaluate a cell (tab and CR too: some strip them first). */
const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

export type CsvValue = string | number | boolean | null | undefined

/** One cell: capped, formula-escaped, quoted when needed. null/undefined are empty. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (text.length > MAX_CSV_CELL)
    text = `${text.slice(0, MAX_CSV_CELL - CELL_CUT_MARK.length)}${CELL_CUT_MARK}`
  if (FORMULA_START.test(text)) text = `'${text}`
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One record, CRLF-terminated. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}
