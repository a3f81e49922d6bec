// What a validation answer does to a live session, through a client: another user or app ends it,
// the same keeps it, a late answer never ends a newer session.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json } from '../../helpers/fake-fetch';
import { useFreshPage } from '../../helpers/page';
import { rejection } from '../../helpers/thrown';
import { VALIDATE_URL, createHarness, validateBody } from '../../helpers/twitch';
import { recordEvents } from '../../helpers/events';

const created = useFreshPage();

const record = recordEvents;

afterEach(() => {
  vi.useRealTimers();
});

describe('validate naming someone else', () => {
  it.each([
    ['another user', { user_id: '999' }],
    ['another app', { client_id: 'someone-elses-client' }],
  ])('ends the session when Twitch says the token belongs to %s', async (_who, overrides) => {
    const h = await createHarness({ validate: false });
    created.push(h.auth);
    // The login's own start-up check passes; the next one names someone else.
    h.fake
      .expect({ url: VALIDATE_URL, respond: json(validateBody()) })
      .expect({ url: VALIDATE_URL, respond: json(validateBody(overrides)) });
    const events = record(h.auth);
    await h.auth.handleRedirect(await h.callbackUrl());
    await vi.waitFor(() => expect(h.auth.session?.validatedAt).toBeDefined());

    const error = await rejection(h.auth.validate());
    expect(error).toMatchObject({ code: 'token_invalid' });
    expect(h.auth.session).toBeNull();
    expect(events.logout).toEqual([{ reason: 'token_invalid', error }]);
    expect(h.storage.getItem(`twitch-spa-login:test-client-id:session`)).toBeNull();
  });

  it('keeps the session when validate names the same user and app', async () => {
    const h = await createHarness();
    created.push(h.auth);
    await h.auth.handleRedirect(await h.callbackUrl());
    await h.auth.validate();
    expect(h.auth.isAuthenticated()).toBe(true);
  });

  it('does not end a newer session when an older validation answers late', async () => {
    const h = await createHarness({ validate: false });
    created.push(h.auth);
    let answer: (response: Response) => void = () => undefined;
    h.fake
      .expect({
        url: VALIDATE_URL,
        respond: () => new Promise<Response>((resolve) => (answer = resolve)),
      })
      .expect({ url: VALIDATE_URL, respond: json(validateBody()), times: Infinity });
    const events = record(h.auth);
    await h.auth.handleRedirect(
      await h.callbackUrl({ accessToken: 'firsttokenfirsttokenfirsttoken' }),
    );
    await vi.waitFor(() => expect(h.fake.requests).toHaveLength(2)); // key set + the first validate
    await h.auth.logout({ revoke: false });
    await h.auth.handleRedirect(
      await h.callbackUrl({ accessToken: 'secondtokensecondtokensecondtk' }),
    );

    answer(json(validateBody({ user_id: '999' }))); // the first session's late answer
    await vi.waitFor(() => expect(h.fake.requests.length).toBeGreaterThanOrEqual(3));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.auth.session?.accessToken).toBe('secondtokensecondtokensecondtk');
    expect(events.logout).toEqual([{ reason: 'user' }]);
  });
});
