import { outageSuite } from '../support/catch-up-suite.js';

outageSuite('github', 'delivery log');
