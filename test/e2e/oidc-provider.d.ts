// oidc-provider ships no types; this covers the little the e2e test uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  interface Account {
    accountId: string;
    claims(): Record<string, unknown>;
  }
  export default class Provider {
    constructor(
      issuer: string,
      configuration: Record<string, unknown> & {
        findAccount?: (context: unknown, sub: string) => Account | Promise<Account>;
      },
    );
    readonly Client: unknown;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
