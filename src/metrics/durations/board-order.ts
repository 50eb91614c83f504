import type { BoardPreset } from '../../config/presets.js';

/**
 * For each stage, the stages whose entry means the work has reached it: the stage itself and every
 * later stage of its board. A card moved from `intake` straight to `sow-signed` has been triaged.
 * Side states (on-hold, paused) and closing are not progress: closing an engagement in deployment
 * does not make it live. Stages on no board reach only themselves.
 */
export function stagesReaching(
  preset: BoardPreset,
  terminalStages: ReadonlySet<string>,
): Map<string, ReadonlySet<string>> {
  const notProgress = new Set([
    ...terminalStages,
    preset.holdStage,
    preset.closedStage ?? 'closed',
    preset.initiativeHoldStage ?? 'paused',
    preset.initiativeClosedStage ?? 'done',
  ]);
  const reaching = new Map<string, ReadonlySet<string>>();
  for (const board of [preset.stages, preset.initiativeStages]) {
    board.forEach((stage, index) => {
      const later = board.slice(index + 1).filter((next) => !notProgress.has(next));
      reaching.set(stage, new Set([stage, ...later]));
    });
  }
  return reaching;
}
