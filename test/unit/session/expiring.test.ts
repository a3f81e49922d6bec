// The expiring notice of a live session, through a client: each session gets its own.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json } from '../../helpers/fake-fetch';
import { useFreshPage } from '../../helpers/page';
import { VALIDATE_URL, createHarness, validateBody } from '../../helpers/twitch';
import { recordEvents } from '../../helpers/events';

const created = useFreshPage();

const record = recordEvents;

afterEach(() => {
  vi.useRealTimers();
});

describe('expiring', () => {
  it('gives a second session its own notice', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const h = await createHarness({ validate: false });
    created.push(h.auth);
    h.fake.expect({
      url: VALIDATE_URL,
      respond: json(validateBody({ expires_in: 600 })),
      times: Infinity,
    });
    const events = record(h.auth);

    await h.auth.handleRedirect(
      await h.callbackUrl({ accessToken: 'firsttokenfirsttokenfirsttoken' }),
    );
    await vi.advanceTimersByTimeAsync(301_000);
    expect(events.expiring).toHaveLength(1);
    await h.auth.logout({ revoke: false });

    await h.auth.handleRedirect(
      await h.callbackUrl({ accessToken: 'secondtokensecondtokensecondtk' }),
    );
    await vi.advanceTimersByTimeAsync(299_000);
    expect(events.expiring).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(events.expiring).toHaveLength(2);
    expect(events.expiring[1]?.expiresAt).toBeGreaterThan(
      events.expiring[0]?.expiresAt ?? Infinity,
    );
  });
});
