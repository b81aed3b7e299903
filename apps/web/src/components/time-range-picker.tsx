'use client'

import { RANGES, type RangeKey, resolveTimeRange, type TimeRange } from '@/lib/time-range.ts'
import { SelectOptions } from './select-options.tsx'

/** The preset select shared by the dashboard and the logs page; a zoomed window shows as "custom". */
export function TimeRangePicker({
  value,
  onChange,
}: {
  value: TimeRange
  onChange: (range: TimeRange) => void
}) {
  return (
    <label>
      <span className="sr-only">Time range</span>
      <select
        value={value.key}
        onChange={(event) => {
          const key = event.target.value
          if (key !== 'custom') onChange({ key: key as RangeKey })
        }}
        aria-label="Time range"
        data-testid="time-range"
      >
        {value.key === 'custom' && (
          <option value="custom">{resolveTimeRange(value, Date.now()).label}</option>
        )}
        <SelectOptions
          values={Object.keys(RANGES) as (keyof typeof RANGES)[]}
          label={(key) => RANGES[key].label}
        />
      </select>
    </label>
  )
}
