// Runs the Firewall contract against the noop backend (its clock stands still until told).
import pino from 'pino';
import { ManualClock } from '../../src/domain/clock';
import { NoopFirewall } from '../../src/firewall/noop';
import { firewallContract } from './firewall.contract';

firewallContract('noop', async () => {
  const clock = new ManualClock(Date.parse('2026-11-18T10:00:00Z'));
  return {
    firewall: new NoopFirewall(pino({ level: 'silent' }), clock),
    wait: async (ms) => clock.advance(ms),
    countsBytes: false,
    close: async () => undefined,
  };
});
