import Big from 'big.js';

/**
 * Numbers for people. Money and rates arrive as decimal strings; they are formatted as strings
 * (or with big.js), never through a float, so what is shown is exactly what the API said.
 */

const DASH = '—';

/** "-1234567.50" → "-1,234,567.50": thousands separators on the integer part of a decimal string. */
export function groupDigits(decimal: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(decimal);
  if (!m) return decimal;
  return `${m[1]}${m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}

/** A money string as it came (2 decimals), grouped; null as a dash. */
export const money = (value: string | null | undefined): string => (value == null ? DASH : groupDigits(value));

/** A whole count, grouped. */
export const count = (value: number | null | undefined): string => (value == null ? DASH : groupDigits(String(value)));

/** A rate fraction ("0.0325") as a percentage rounded half-up ("3.25 %"); null as a dash. */
export function percent(rate: string | null | undefined, decimals = 2): string {
  if (rate == null) return DASH;
  return `${groupDigits(new Big(rate).times(100).toFixed(decimals, Big.roundHalfUp))} %`;
}

/** For chart axes and series only: a decimal string as a plotted number (display, never written back). */
export const plotted = (value: string | null | undefined): number | null => (value == null ? null : Number(value));

/** A rate as a plotted percentage: "0.0325" → 3.25, scaled exactly before the one conversion. */
export const plottedPercent = (rate: string | null | undefined): number | null => (rate == null ? null : Number(new Big(rate).times(100).toString()));

/** Bytes for people: 1536 → "1.5 KiB". */
export function bytes(n: number | null | undefined): string {
  if (n == null) return DASH;
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}
