'use strict';
/**
 * Connectors client for custom-coded sites: send orders, edits and refunds, signed, with retries.
 * Node 18+ built-ins only (node:crypto, global fetch). CommonJS. Contract: docs/custom-source.md.
 *
 *   const { ConnectorsClient } = require('./connectors-client');
 *   const client = new ConnectorsClient({ webhookUrl: '<Delivery URL>', webhookSecret: '<Signing secret>' });
 *   await client.sendOrder({ external_id: 'ORD-12345', customer_name: 'Asha Rao', order_date: '2026-05-25',
 *     buyer_state_code: '29', lines: [{ sku: 'WIDGET-1', description: 'Widget', quantity: 2, rate: 100, tax_rate: 18 }] });
 */
const crypto = require('node:crypto');

const VERSION = '1.0.0';

/** The server refused the event (4xx), or every attempt failed (5xx or network error). */
class ConnectorsError extends Error {
  /**
   * @param {number|null} statusCode the HTTP status (null after network errors only)
   * @param {string|null} status the server's status word: invalid, unauthorized, not_found, failed, unavailable, ...
   * @param {string} error the server's explanation
   * @param {number} attempts how many requests were made
   */
  constructor(statusCode, status, error, attempts, cause) {
    const where = statusCode != null ? `HTTP ${statusCode} ${status || ''}`.trim() : 'network error';
    super(`Connectors did not accept the event (${where}) after ${attempts} attempt(s): ${error}`, cause ? { cause } : undefined);
    this.name = 'ConnectorsError';
    this.statusCode = statusCode;
    this.status = status;
    this.error = error;
    this.attempts = attempts;
  }
}

/**
 * Sends order.created / order.updated / order.refunded to one connection's Delivery URL.
 * Retries 5xx answers and network errors with exponential back-off and jitter (never 4xx); 409 counts as success.
 * Options: maxAttempts (5), baseDelayMs (500), maxDelayMs (30000), timeoutMs (30000), wait (1-10 s: answer once posted).
 */
class ConnectorsClient {
  constructor({ webhookUrl, webhookSecret, maxAttempts = 5, baseDelayMs = 500, maxDelayMs = 30000, timeoutMs = 30000, wait } = {}) {
    if (!webhookUrl || !webhookSecret) throw new TypeError("webhookUrl and webhookSecret are required (both are on the connection's page).");
    if (!(maxAttempts >= 1)) throw new RangeError('maxAttempts must be at least 1.');
    this.webhookUrl = webhookUrl;
    this.maxAttempts = maxAttempts;
    this.baseDelayMs = baseDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.timeoutMs = timeoutMs;
    this.wait = wait;
    Object.defineProperty(this, '_secret', { value: webhookSecret, enumerable: false });
  }

  /** order.created: { external_id, customer_name, order_date, buyer_state_code?, currency?, lines } */
  sendOrder(order) { return this.send('order.created', order); }

  /** order.updated: { external_id, updated_at (when the edit was made: the edit's version), lines (the full new set) } */
  sendUpdate(update) { return this.send('order.updated', update); }

  /** order.refunded: { external_id, refund_id, refund_date, refunded_at?, lines } */
  sendRefund(refund) { return this.send('order.refunded', refund); }

  /**
   * Sends one event; body is an object (undefined/null fields are left out) or the exact JSON string or Buffer to send.
   * Resolves to { statusCode, status, eventId, vouchers, error, attempts, duplicate }.
   */
  async send(event, body) {
    const raw = Buffer.isBuffer(body) ? body
      : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body, (k, v) => (v === null ? undefined : v)), 'utf8');
    // The signature is over exactly these bytes, the ones sent.
    const headers = {
      'Content-Type': 'application/json',
      'X-Connectors-Event': event,
      'X-Connectors-Signature': crypto.createHmac('sha256', this._secret).update(raw).digest('hex'),
      'User-Agent': `connectors-client-node/${VERSION}`,
    };
    if (this.wait) headers.Prefer = `wait=${this.wait}`;
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await fetch(this.webhookUrl, {
          method: 'POST', headers, body: raw, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (e) { // refused, reset, timeout, DNS
        if (attempt >= this.maxAttempts) throw new ConnectorsError(null, null, networkMessage(e), attempt, e);
        await sleep(this.delay(attempt));
        continue;
      }
      let answer;
      try {
        answer = await readAnswer(response);
      } catch (e) { // the connection dropped mid-answer: a network error too
        if (attempt >= this.maxAttempts) throw new ConnectorsError(null, null, networkMessage(e), attempt, e);
        await sleep(this.delay(attempt));
        continue;
      }
      const code = response.status;
      if ((code >= 200 && code < 300) || code === 409) {
        return {
          statusCode: code, status: answer.status ?? null, eventId: answer.eventId ?? null, vouchers: answer.vouchers ?? [],
          error: answer.error ?? null, attempts: attempt, duplicate: code === 409,
        };
      }
      if (code < 500 || attempt >= this.maxAttempts) {
        throw new ConnectorsError(code, answer.status ?? null, answer.error || '(no error in the answer)', attempt);
      }
      await sleep(this.delay(attempt));
    }
  }

  /** Exponential back-off with jitter: base * 2^(n-1), capped, then a random half to full of it (ms). */
  delay(attempt) {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return ceiling * (0.5 + Math.random() / 2);
  }
}

async function readAnswer(response) {
  const text = await response.text();
  if (!text) return {};
  try {
    const body = JSON.parse(text);
    return body && typeof body === 'object' && !Array.isArray(body) ? body : {};
  } catch {
    return { error: text.slice(0, 200) };
  }
}

function networkMessage(e) {
  const cause = e && e.cause;
  return [e && e.message, cause && (cause.code || cause.message)].filter(Boolean).join(': ');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = { ConnectorsClient, ConnectorsError, VERSION };
