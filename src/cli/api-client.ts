/** The CLI's only way in: the running server's JSON-RPC endpoint (the CLI never opens the embedded database). */
export class ApiClient {
  private nextId = 1;

  constructor(
    readonly url: string,
    private readonly key: string | undefined,
  ) {}

  async call(method: string, params: Record<string, unknown> = {}): Promise<any> {
    let response: Response;
    try {
      response = await fetch(this.url.replace(/\/+$/, '') + '/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(this.key && { 'X-Api-Key': this.key }) },
        body: JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method, params }),
      });
    } catch {
      throw new CliError(`Cannot reach Seatledger at ${this.url}. Is it running? (seatledger serve, or set SEATLEDGER_URL)`);
    }
    const body = (await response.json().catch(() => undefined)) as { result?: unknown; error?: { code: number; message: string; data?: unknown } } | undefined;
    if (!body) throw new CliError(`Unexpected answer from ${this.url} (HTTP ${response.status})`);
    if (body.error) {
      const hint = response.status === 401 ? ' (set SEATLEDGER_KEY or --key to an API key)' : '';
      throw new CliError(`${method}: ${body.error.message}${hint}`, body.error.data);
    }
    return body.result;
  }
}

/** An error the CLI prints as one line, without a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}
