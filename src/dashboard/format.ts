const DAY_SECONDS = 86_400;

/** Seconds as days with one decimal ("21.3"); an em dash when there is no value. */
export function days(seconds: number | null): string {
  return seconds === null ? '—' : (seconds / DAY_SECONDS).toFixed(1);
}

/** A round number without a needless decimal: 30 → "30", 21.5 → "21.5", 2.25 → "2.3". */
export function compact(value: number): string {
  return String(Number(value.toFixed(1)));
}

export function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)} %`;
}

/** `2026-03-27T08:00:00.000Z` → `2026-03-27 08:00 UTC`. */
export function instant(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export const date = (iso: string): string => iso.slice(0, 10);
