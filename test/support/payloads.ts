/** The payload builders live with the demo, which sends them at runtime; tests use the same ones. */
export { githubClosedIssue, githubFixture, gitlabIssueHook, type GitlabVariant } from '../../src/demo/payloads.js';
