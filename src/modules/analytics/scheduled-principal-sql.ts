/**
 * §11's scheduled principal S as a SQL expression on numeric (the same rule as
 * scheduledPrincipal in loan-month.ts): the level-payment principal of balance `b0` at annual
 * rate `rate` with `n` months left; B0 when n ≤ 1, B0 ÷ n at a zero rate; half-up to the cent,
 * capped at B0. The monthly rate is taken to 40 decimals so the power keeps ≥ 20 digits.
 */
export function scheduledPrincipalSql(b0: string, rate: string, n: string): string {
  const j = `((${rate})::numeric(60,40) / 12)`;
  return `(CASE WHEN (${n}) <= 1 THEN (${b0})
     WHEN ${j} = 0 THEN least(round((${b0}) / (${n}), 2), (${b0}))
     ELSE least(round((${b0}) * ${j} / (1 - power(1 + ${j}, -(${n}))) - (${b0}) * ${j}, 2), (${b0})) END)`;
}
