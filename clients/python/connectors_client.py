"""Connectors client for custom-coded sites: send orders, edits and refunds, signed, with retries.

Standard library only (Python 3.8+). Contract: docs/custom-source.md in the Connectors repository.

    from connectors_client import ConnectorsClient
    client = ConnectorsClient(webhook_url="<Delivery URL>", webhook_secret="<Signing secret>")
    client.send_order(external_id="ORD-12345", customer_name="Asha Rao", order_date="2026-05-25",
                      buyer_state_code="29",
                      lines=[{"sku": "WIDGET-1", "description": "Widget", "quantity": 2, "rate": 100, "tax_rate": 18}])
"""

import decimal
import hashlib
import hmac
import http.client
import json
import random
import time
import urllib.error
import urllib.request

__all__ = ["ConnectorsClient", "ConnectorsError", "DeliveryResult"]
__version__ = "1.0.0"


class ConnectorsError(Exception):
    """The server refused the event (4xx), or every attempt failed (5xx or network error).

    status_code: the HTTP status (None after network errors only); status: the server's status word
    ("invalid", "unauthorized", ...); error: the server's explanation; attempts: how many requests were made.
    """

    def __init__(self, status_code, status, error, attempts):
        self.status_code = status_code
        self.status = status
        self.error = error
        self.attempts = attempts
        where = "HTTP %s %s" % (status_code, status or "") if status_code else "network error"
        super().__init__("Connectors did not accept the event (%s) after %d attempt(s): %s" % (where.strip(), attempts, error))


class DeliveryResult:
    """A delivery the server took: 2xx, or 409 (already received: a re-send, nothing duplicated)."""

    def __init__(self, status_code, body, attempts):
        self.status_code = status_code
        self.status = body.get("status")  # accepted, posted, held, stale, duplicate
        self.event_id = body.get("eventId")
        self.vouchers = body.get("vouchers") or []
        self.error = body.get("error")
        self.attempts = attempts
        self.duplicate = status_code == 409

    def __repr__(self):
        return "DeliveryResult(%d %s, event_id=%r, vouchers=%r)" % (self.status_code, self.status, self.event_id, self.vouchers)


def _json_default(value):
    # Decimals go as numeric strings ("100.50"): the server reads them as decimals, nothing is lost to floats.
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError("%r is not JSON serializable" % (value,))


class ConnectorsClient:
    """Sends order.created / order.updated / order.refunded to one connection's Delivery URL.

    Retries 5xx answers and network errors with exponential back-off and jitter (never 4xx);
    409 (already received) counts as success. wait (seconds, 1-10) asks the server to answer once the
    voucher is posted (Prefer: wait=N): the result's status is then "posted" with the voucher numbers.
    """

    def __init__(self, webhook_url, webhook_secret, max_attempts=5, base_delay=0.5, max_delay=30.0,
                 timeout=30.0, wait=None):
        if not webhook_url or not webhook_secret:
            raise ValueError("webhook_url and webhook_secret are required (both are on the connection's page).")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1.")
        self.webhook_url = webhook_url
        self._secret = webhook_secret.encode("utf-8")
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout
        self.wait = wait

    def send_order(self, external_id, customer_name, order_date, lines, buyer_state_code=None, currency=None, **extra):
        """order.created: a new order (posted as a sales voucher)."""
        body = dict(external_id=external_id, customer_name=customer_name, order_date=order_date,
                    buyer_state_code=buyer_state_code, currency=currency, lines=lines, **extra)
        return self.send("order.created", body)

    def send_update(self, external_id, lines, updated_at=None, **extra):
        """order.updated: the order's full new line set (a note posts for the difference).

        updated_at (ISO-8601, when the edit was made) is the edit's version: send it.
        """
        return self.send("order.updated", dict(external_id=external_id, updated_at=updated_at, lines=lines, **extra))

    def send_refund(self, external_id, refund_id, refund_date, lines, refunded_at=None, **extra):
        """order.refunded: a refund of part or all of an order (posted as a credit note)."""
        body = dict(external_id=external_id, refund_id=refund_id, refund_date=refund_date,
                    refunded_at=refunded_at, lines=lines, **extra)
        return self.send("order.refunded", body)

    def send(self, event, body):
        """Sends one event; body is a dict (None values are left out) or the exact bytes to send."""
        if isinstance(body, dict):
            body = {k: v for k, v in body.items() if v is not None}
            raw = json.dumps(body, default=_json_default, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        else:
            raw = body
        # The signature is over exactly these bytes, the ones sent.
        signature = hmac.new(self._secret, raw, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Connectors-Event": event,
                   "X-Connectors-Signature": signature, "User-Agent": "connectors-client-python/" + __version__}
        if self.wait:
            headers["Prefer"] = "wait=%d" % self.wait
        attempt = 0
        while True:
            attempt += 1
            try:
                status_code, answer = self._post(raw, headers)
            except (urllib.error.URLError, http.client.HTTPException, OSError) as e:  # refused, reset, timeout, DNS, garbled answer
                if attempt >= self.max_attempts:
                    raise ConnectorsError(None, None, str(getattr(e, "reason", e)), attempt) from e
            else:
                if 200 <= status_code < 300 or status_code == 409:
                    return DeliveryResult(status_code, answer, attempt)
                if status_code < 500 or attempt >= self.max_attempts:
                    raise ConnectorsError(status_code, answer.get("status"), answer.get("error") or "(no error in the answer)", attempt)
            time.sleep(self._delay(attempt))

    def _delay(self, attempt):
        # Exponential back-off with jitter: base * 2^(n-1), capped, then a random half to full of it.
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return ceiling * (0.5 + random.random() / 2)

    def _post(self, raw, headers):
        request = urllib.request.Request(self.webhook_url, data=raw, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, _answer(response.read())
        except urllib.error.HTTPError as e:
            with e:
                return e.code, _answer(e.read())


def _answer(data):
    try:
        body = json.loads(data.decode("utf-8")) if data else {}
        return body if isinstance(body, dict) else {}
    except ValueError:
        return {"error": data[:200].decode("utf-8", "replace")}
