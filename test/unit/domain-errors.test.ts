// Services' errors as HTTP: each kind of failure has its status, and its details their headers.
import { DomainError, invalidInput, notFound } from '../../src/domain/errors';
import { fromDomainError } from '../../src/http/errors';

describe('fromDomainError', () => {
  it('when a service reports a kind of failure, then the answer has that kind\'s status and the service\'s message', () => {
    expect(fromDomainError(invalidInput({ name: 'Choose a name.' }))).toMatchObject({ status: 400, code: 'invalid_input', message: 'Choose a name.', fields: { name: 'Choose a name.' } });
    expect(fromDomainError(notFound('No such thing.'))).toMatchObject({ status: 404, message: 'No such thing.' });
    expect(fromDomainError(new DomainError('refused', 'retired', 'Retired.')).status).toBe(403);
    expect(fromDomainError(new DomainError('conflict', 'name_taken', 'Taken.')).status).toBe(409);
  });

  it('when a caller must authenticate or wait, then the challenge and the wait are headers', () => {
    expect(fromDomainError(new DomainError('unauthenticated', 'no_token', 'Send a token.', { challenge: 'Bearer' }))).toMatchObject({ status: 401, headers: { 'WWW-Authenticate': 'Bearer' } });
    expect(fromDomainError(new DomainError('unavailable', 'store_unavailable', 'One moment.', { retryAfterSeconds: 5 }))).toMatchObject({ status: 503, headers: { 'Retry-After': '5' }, view: 'portal/wait' });
  });
});
