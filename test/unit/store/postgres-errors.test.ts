import { describe, expect, it } from 'vitest';
import { isConnectionLoss, translatePgError } from '../../../src/store/postgres-errors.js';
import { StoreUnavailableError } from '../../../src/store/store.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('PostgreSQL error translation', () => {
  it.each([
    ['refused socket', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['reset socket', withCode('ECONNRESET')],
    ['admin shutdown (server restart)', withCode('57P01', 'terminating connection due to administrator command')],
    ['server starting up', withCode('57P03', 'the database system is starting up')],
    ['too many connections', withCode('53300')],
    ['statement timeout', withCode('57014', 'canceling statement due to statement timeout')],
    ['connection exception class 08', withCode('08006')],
    ['dropped connection', new Error('Connection terminated unexpectedly')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['every address refused', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], '')],
  ])('treats %s as the store being unavailable', (_, error) => {
    expect(isConnectionLoss(error)).toBe(true);
    const translated = translatePgError(error);
    expect(translated).toBeInstanceOf(StoreUnavailableError);
    expect((translated as Error).cause).toBe(error);
  });

  it.each([
    ['unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['syntax error (a bug)', withCode('42601', 'syntax error at or near "SELEC"')],
    ['undefined table', withCode('42P01', 'relation "inbox" does not exist')],
    ['a plain value', 'boom'],
  ])('leaves %s as it is', (_, error) => {
    expect(isConnectionLoss(error)).toBe(false);
    expect(translatePgError(error)).toBe(error);
  });
});
