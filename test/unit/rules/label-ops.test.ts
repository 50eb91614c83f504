import { expect, it } from 'vitest';
import { withScopedExclusivity } from '../../../src/rules/label-ops.js';

it.each([
  [['proposal::Closed_Lost', 'type::sow'], ['proposal::On_hold'], ['type::sow']],
  [['stage::a::x', 'stage::a::y', 'stage::b'], ['stage::a::y'], ['stage::a::y', 'stage::b']],
  [['needs-info', 'segment::mm'], ['needs-info'], ['needs-info', 'segment::mm']],
  [['segment::mm', 'segment::smb'], [], ['segment::mm', 'segment::smb']],
])('GitLab keeps one label per scope: %j + %j → %j', (labels, added, expected) => {
  expect(withScopedExclusivity(labels, added)).toEqual(expected);
});
