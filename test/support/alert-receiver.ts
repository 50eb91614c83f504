import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedAlert {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
}

/** A real HTTP receiver on 127.0.0.1 that answers from a script (then 200) and keeps what it got. */
export interface AlertReceiver {
  baseUrl: string;
  received: ReceivedAlert[];
  close(): Promise<void>;
}

export async function startAlertReceiver(
  script: ScriptedAnswer[] = [],
  otherwise: ScriptedAnswer = { status: 200 },
): Promise<AlertReceiver> {
  const received: ReceivedAlert[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = script.shift() ?? otherwise;
      response
        .writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers })
        .end(answer.status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** An http URL nothing listens on: a server that was started, then closed. */
export async function refusedUrl(): Promise<string> {
  const receiver = await startAlertReceiver();
  await receiver.close();
  return receiver.baseUrl;
}
