'use strict';
// Test driver: reads one call as JSON on stdin, makes it with clients/node, prints the outcome as JSON.
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const job = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const { ConnectorsClient, ConnectorsError } = require(job.client + '/connectors-client.js');
  const client = new ConnectorsClient({
    webhookUrl: job.url, webhookSecret: job.secret, maxAttempts: job.max_attempts, baseDelayMs: job.base_delay_ms, timeoutMs: 20000, wait: job.wait,
  });
  const method = { order: 'sendOrder', update: 'sendUpdate', refund: 'sendRefund' }[job.call];
  let out;
  try {
    const r = await client[method](job.args);
    out = { ok: true, ...r };
  } catch (e) {
    if (!(e instanceof ConnectorsError)) throw e;
    out = { ok: false, statusCode: e.statusCode, status: e.status, error: e.error, message: e.message, attempts: e.attempts };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
