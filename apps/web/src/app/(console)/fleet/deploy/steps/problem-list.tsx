// A step's problems as one alert list (nothing when there are none).
export function ProblemList({ problems, testId }: { problems: readonly string[]; testId?: string }) {
  if (problems.length === 0) return null
  return (
    <ul className="alert" role="alert" data-testid={testId}>
      {problems.map((problem) => (
        <li key={problem}>{problem}</li>
      ))}
    </ul>
  )
}
