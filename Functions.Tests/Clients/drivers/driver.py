"""Test driver: reads one call as JSON on stdin, makes it with clients/python, prints the outcome as JSON."""
import decimal
import json
import sys

job = json.loads(sys.stdin.read(), parse_float=decimal.Decimal)  # the SDK's Decimal path: amounts go as strings
sys.path.insert(0, job["client"])
from connectors_client import ConnectorsClient, ConnectorsError  # noqa: E402

client = ConnectorsClient(job["url"], job["secret"], max_attempts=job["max_attempts"],
                          base_delay=job["base_delay_ms"] / 1000.0, timeout=20, wait=job.get("wait"))
call = {"order": client.send_order, "update": client.send_update, "refund": client.send_refund}[job["call"]]
try:
    r = call(**job["args"])
    out = {"ok": True, "statusCode": r.status_code, "status": r.status, "eventId": r.event_id,
           "vouchers": r.vouchers, "attempts": r.attempts, "duplicate": r.duplicate}
except ConnectorsError as e:
    out = {"ok": False, "statusCode": e.status_code, "status": e.status, "error": e.error,
           "message": str(e), "attempts": e.attempts}
print(json.dumps(out))
