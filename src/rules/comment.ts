import { createHash } from 'node:crypto';
import { TEMPLATES, type Problem, type Validation } from '../templates/index.js';

function problemLine(problem: Problem): string {
  return `- **${problem.label}** ${problem.message}`;
}

/**
 * The bot's one comment: every problem of the body, the warnings, and an initiative's progress.
 * Null when there is nothing to say and nothing was said before; once a comment exists it is
 * updated, so a fixed issue says it is fixed.
 */
export function renderReport(
  validation: Validation | null,
  marker: string,
  needsInfo: string,
  commentedBefore: boolean,
): string | null {
  if (!validation) return null;
  const { errors, warnings, progress } = validation;
  if (errors.length === 0 && warnings.length === 0 && !progress && !commentedBefore) return null;
  const lines = [marker, `**boardkeeper** checked this ${TEMPLATES[validation.template].name}.`, ''];
  if (errors.length > 0)
    lines.push(
      `**Please fix ${errors.length === 1 ? 'this' : `these ${errors.length}`}** (the issue is labelled \`${needsInfo}\` until then):`,
      ...errors.map(problemLine),
      '',
    );
  else lines.push('All required information is present.', '');
  if (warnings.length > 0) lines.push('**Worth a look:**', ...warnings.map(problemLine), '');
  if (progress) {
    const percent = progress.total === 0 ? 0 : Math.round((progress.checked / progress.total) * 100);
    lines.push(`**Progress:** ${progress.checked} / ${progress.total} exit criteria done (${percent}%).`, '');
  }
  lines.push('_Edit the issue description to update this comment._');
  return lines.join('\n');
}

export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
