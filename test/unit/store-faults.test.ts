// Which errors the one error middleware answers "one moment" (503) instead of 500.
import vm from 'node:vm';
import { isStoreFault } from '../../src/store/store-faults';

const sqlite = (code: string) => Object.assign(new Error('database or disk is full'), { name: 'SqliteError', code });

test('when the store is away or its disk is full, then the error is a store fault, also when made in another realm', () => {
  for (const e of [
    new Error('Command timed out'),
    new Error('Connection is closed.'),
    Object.assign(new Error('Reached the max retries per request limit (which is 20).'), { name: 'MaxRetriesPerRequestError' }),
    new Error('LOADING Redis is loading the dataset in memory'),
    new Error('READONLY You can\'t write against a read only replica.'),
    new Error('connect ECONNREFUSED 127.0.0.1:6379'),
    sqlite('SQLITE_FULL'),
    sqlite('SQLITE_BUSY'),
    sqlite('SQLITE_IOERR_WRITE'),
    Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' }),
    vm.runInNewContext('Object.assign(new Error("x"), { code: "SQLITE_FULL" })'),
    vm.runInNewContext('new Error("Command timed out")'),
  ]) {
    expect({ e: String(e), fault: isStoreFault(e) }).toEqual({ e: String(e), fault: true });
  }
});

test('when an error is a bug (a wrong statement, a wrong type, a script error), then it is not a store fault', () => {
  for (const e of [new TypeError('x is undefined'), sqlite('SQLITE_ERROR'), sqlite('SQLITE_CONSTRAINT_PRIMARYKEY'), new Error('WRONGTYPE Operation against a key'), new Error('NOSCRIPT No matching script'), 'Command timed out', null, undefined]) {
    expect({ e: String(e), fault: isStoreFault(e) }).toEqual({ e: String(e), fault: false });
  }
});
