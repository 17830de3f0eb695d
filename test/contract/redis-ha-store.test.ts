// Runs the Store contract (with its grant, compare-and-set, staff and workstation parts) against a real Redis Cluster
// and a real Sentinel set-up, started by the test harness (test/helpers/global-setup.ts).
import { RedisStore } from '../../src/store/redis/store';
import { deleteKeysWithPrefix, testClusterUrl, testSentinelUrl, uniquePrefix } from '../helpers/redis';
import { describeGrantContract } from './grant.contract';
import { describeSessionCasContract } from './session-cas.contract';
import { describeStoreContract } from './store.contract';

for (const [name, url] of [['redis-cluster', testClusterUrl], ['redis-sentinel', testSentinelUrl]] as const) {
  const prefixes: string[] = [];
  describe(`${name}`, () => {
    afterEach(async () => {
      await deleteKeysWithPrefix(prefixes.splice(0), url());
    });
    const make = async () => {
      const prefix = uniquePrefix();
      prefixes.push(prefix);
      const store = new RedisStore({ url: url(), prefix });
      await store.init();
      return store;
    };
    describeStoreContract(name, make);
    describeGrantContract(name, make);
    // A session's change and its device's usage in one script: one slot on Cluster.
    describeSessionCasContract(name, async () => {
      const store = await make();
      const prefix = prefixes[prefixes.length - 1]!;
      return {
        store,
        async second() {
          const b = new RedisStore({ url: url(), prefix });
          await b.init();
          return b;
        },
      };
    });
  });
}
