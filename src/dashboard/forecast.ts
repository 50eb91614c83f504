import type { Forecast } from '../metrics/contract.js';
import { percent } from './format.js';
import { html, type SafeHtml } from './html.js';

/** The open-engagements table's forecast columns (README, "Forecasts"). */
export const FORECAST_COLUMNS = ['P50 go-live', 'P85 go-live', 'Chance within target'];

export const FORECAST_NOTE = 'P50 / P85: half / 85 % of simulated futures from past engagements go live by then.';

/** The forecast cells of one open engagement; "too little history" across them when there is not enough to stand on. */
export function forecastCells(forecast: Forecast | null): SafeHtml {
  if (forecast === null) return html`<td class="forecast none" colspan="3">—</td>`;
  if (forecast.status === 'too-little-history') {
    return html`<td class="forecast too-little" colspan="3" title="${forecast.samples} of ${forecast.minimumHistory} finished engagements needed">too little history</td>`;
  }
  const { chanceWithinTarget: chance } = forecast;
  const basis = `from ${forecast.samples} past engagements (${forecast.basis.replace(/-/g, ' ')})`;
  return html`<td class="forecast p50" data-label="P50" title="${basis}">${forecast.p50}</td><td class="forecast p85" data-label="P85" title="${basis}">${forecast.p85}</td><td class="forecast chance" data-label="chance">${
    chance === null
      ? '—'
      : html`<meter min="0" max="1" low="0.5" high="0.8" optimum="1" value="${chance}" data-chance="${chance}">${percent(chance)}</meter> <span class="chance-text">${percent(chance)}</span>`
  }</td>`;
}
