import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupGithubRepo } from '../../../src/forges/github/setup.js';
import { BOARD_NAME, setupGitlabProject } from '../../../src/forges/gitlab/setup.js';
import { boardStages, presetLabels } from '../../../src/forges/label-catalog.js';
import {
  ForgeApiMock,
  forgeClients,
  forgeTestConfig,
  GITHUB_REPO,
  isolateNetwork,
  resetNock,
} from '../../support/forge-nock.js';

beforeAll(isolateNetwork);
afterEach(resetNock);

const config = forgeTestConfig();
const specs = presetLabels(config);
const stages = boardStages(config);

describe('setup on GitLab', () => {
  it('creates every label with colour and description, a board, and one list per stage in order', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.gitlab();
    scope.get('/api/v4/projects/42/labels?per_page=100').reply(200, []);
    let id = 100;
    scope
      .post('/api/v4/projects/42/labels')
      .times(specs.length)
      .reply(201, (_uri, body) => ({ id: ++id, ...(body as object) }));
    scope.get('/api/v4/projects/42/boards?per_page=100').reply(200, []);
    scope.post('/api/v4/projects/42/boards').reply(201, { id: 9, name: BOARD_NAME, lists: [] });
    scope.post('/api/v4/projects/42/boards/9/lists').times(stages.length).reply(201, {});
    const report = await setupGitlabProject(forgeClients().gitlab!, '42', config);
    expect(report.created).toHaveLength(specs.length + 1 + stages.length);
    const labelBodies = mock.sent
      .filter((r) => r.path === '/api/v4/projects/42/labels' && r.method === 'POST')
      .map((r) => r.body);
    expect(labelBodies[0]).toEqual({
      name: 'stage::intake',
      color: '#1f75cb',
      description: `Stage 1 of ${stages.length}: intake`,
    });
    const listLabelIds = mock.sent
      .filter((r) => r.path.endsWith('/boards/9/lists'))
      .map((r) => (r.body as { label_id: number }).label_id);
    expect(listLabelIds).toEqual(stages.map((_stage, index) => 101 + index));
  });

  it('changes nothing on a second run', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.gitlab();
    const labels = specs.map((spec, index) => ({ id: index + 1, ...spec }));
    scope.get('/api/v4/projects/42/labels?per_page=100').reply(200, labels);
    const lists = stages.map((stage, index) => ({ label: { id: index + 1, name: `stage::${stage}` } }));
    scope.get('/api/v4/projects/42/boards?per_page=100').reply(200, [{ id: 9, name: BOARD_NAME, lists }]);
    const report = await setupGitlabProject(forgeClients().gitlab!, '42', config);
    expect(report.created).toEqual([]);
    expect(report.updated).toEqual([]);
    expect(mock.sent.every((r) => r.method === 'GET')).toBe(true);
  });
});

describe('setup on GitHub', () => {
  it('corrects a label with another colour, and lists the stages the Status field lacks', async () => {
    const mock = new ForgeApiMock();
    const scope = mock.github();
    const labels = specs.map((spec) => ({
      name: spec.name,
      color: spec.color.slice(1).toUpperCase(),
      description: spec.description,
    }));
    labels[0] = { ...labels[0]!, color: 'ffffff' };
    scope.get('/repos/acme/services/labels?per_page=100').reply(200, labels);
    scope.patch('/repos/acme/services/labels/stage%3A%3Aintake').reply(200, {});
    const options = stages
      .filter((stage) => stage !== 'kickoff')
      .map((stage, index) => ({ id: `o${index}`, name: stage.replace(/-/g, ' ') }));
    scope
      .post('/graphql')
      .reply(200, { data: { repositoryOwner: { projectV2: { id: 'P', field: { id: 'F', options } } } } });
    const report = await setupGithubRepo(forgeClients().github!, GITHUB_REPO, config);
    expect(report.updated).toEqual(['label stage::intake']);
    expect(report.created).toEqual([]);
    expect(report.missing).toEqual(['Status option "kickoff"']);
    expect(mock.sent[1]).toEqual({
      method: 'PATCH',
      path: '/repos/acme/services/labels/stage::intake',
      body: { color: '1f75cb', description: specs[0]!.description },
    });
  });
});
