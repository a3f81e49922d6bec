#!/usr/bin/env node
// `twitch-emulator`: a local Twitch for your own tests and demos.
import { parseArgs } from 'node:util';
import { startTwitchEmulator } from './index.js';
import { DEFAULT_CLIENT_ID } from './state.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    'client-id': { type: 'string', default: DEFAULT_CLIENT_ID },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(
    'Usage: twitch-emulator [--port 8787] [--host 127.0.0.1] [--client-id ID] --redirect-uri URL [--redirect-uri URL ...]',
  );
  process.exit(0);
}

const emulator = await startTwitchEmulator({
  port: Number(values.port),
  host: values.host,
  clients: [
    { clientId: values['client-id'], name: 'Local app', redirectUris: values['redirect-uri'] },
  ],
});
console.log(
  JSON.stringify(
    {
      url: emulator.url,
      clientId: values['client-id'],
      endpoints: emulator.endpoints,
      urls: emulator.urls,
    },
    null,
    2,
  ),
);
const stop = (): void => void emulator.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
