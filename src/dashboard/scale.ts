/** A linear axis from 0: a round top and evenly spaced ticks (0 and the top included). */
export interface Scale {
  top: number;
  ticks: number[];
}

const STEP_MULTIPLIERS = [1, 2, 2.5, 5, 10];
/** At most this many intervals between ticks, so tick labels never crowd a phone-wide chart. */
const MAX_INTERVALS = 4;

/**
 * The smallest round scale that holds `max`: steps of 1, 2, 2.5 or 5 times a power of ten.
 * `integer` keeps steps whole (counts of issues have no half ticks).
 */
export function niceScale(max: number, integer = false): Scale {
  const bounded = Number.isFinite(max) && max > 0 ? max : 1;
  const rough = bounded / MAX_INTERVALS;
  const power = 10 ** Math.floor(Math.log10(rough));
  let step = STEP_MULTIPLIERS.map((multiplier) => multiplier * power).find((candidate) => candidate >= rough)!;
  if (integer) step = Math.max(1, Math.ceil(step));
  const intervals = Math.max(1, Math.ceil(bounded / step - 1e-9));
  // Rounded so that 0.1 + 0.2 style float noise never reaches a label.
  const ticks = Array.from({ length: intervals + 1 }, (_, index) => Number((index * step).toPrecision(12)));
  return { top: ticks.at(-1)!, ticks };
}

/** `value` as a share 0..100 of the scale, for viewBox coordinates. */
export const position = (value: number, scale: Scale): number => (Math.max(0, value) / scale.top) * 100;
