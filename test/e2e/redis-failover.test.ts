// Failover proof: the real server process on a real Sentinel set-up and a real Redis Cluster;
// the master is failed over or killed during a burst of logins through the real form. No
// acknowledged session is lost and no patron sees a 5xx.
import { FAULTS, runFailover } from '../helpers/failover-burst';
import { ensureBuilt } from '../helpers/server-process';

beforeAll(() => ensureBuilt());

describe.each(FAULTS)('a burst of logins through %s', (fault) => {
  test('when the master goes during the burst, then no acknowledged session is lost and no login answers 5xx', async () => {
    const figures = await runFailover(fault);
    console.log(JSON.stringify(figures));
    expect(figures.acknowledged).toBeGreaterThan(0);
    expect({ fault, lost: figures.lost, serverErrors: figures.serverErrors }).toEqual({ fault, lost: 0, serverErrors: 0 });
  }, 180_000);
});
