// Ready-to-paste sample code for a custom connection: standard library only, each signing the exact bytes it sends
// (docs/custom-source.md: X-Connectors-Signature = hex HMAC-SHA256 of the raw body, key = the signing secret).
// Only SECRET is left to fill in; each exits non-zero unless the answer is 200 or 409.

export const SECRET_PLACEHOLDER = 'PASTE_SIGNING_SECRET_HERE';

const today = () => new Date().toISOString().slice(0, 10);

function order() {
  return {
    external_id: 'ORD-12345',
    customer_name: 'Asha Rao',
    order_date: today(),
    buyer_state_code: '29',
    lines: [{ sku: 'WIDGET-1', description: 'Widget', quantity: 2, rate: 100, tax_rate: 18 }],
  };
}

const sq = (s) => `'${s.replaceAll("'", "'\\''")}'`;
const php = (s) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const dq = (s) => JSON.stringify(s);

function curl(url) {
  return `URL=${sq(url)}
SECRET=${sq(SECRET_PLACEHOLDER)}
BODY=${sq(JSON.stringify(order()))}
# The signature is over the exact bytes sent (--data-binary keeps them as they are).
SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //')
curl -sS -X POST "$URL" -H 'Content-Type: application/json' \\
  -H 'X-Connectors-Event: order.created' -H "X-Connectors-Signature: $SIG" \\
  --data-binary "$BODY" -w '\\nHTTP %{http_code}\\n'
`;
}

function python(url) {
  const o = order();
  return `import hashlib
import hmac
import json
import urllib.error
import urllib.request

URL = ${dq(url)}
SECRET = ${dq(SECRET_PLACEHOLDER)}


def send_event(event, payload):
    """POSTs one event; the signature is over the exact bytes sent."""
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    signature = hmac.new(SECRET.encode("utf-8"), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(URL, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "X-Connectors-Event": event,
        "X-Connectors-Signature": signature,
    })
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


status, answer = send_event("order.created", {
    "external_id": ${dq(o.external_id)},
    "customer_name": ${dq(o.customer_name)},
    "order_date": ${dq(o.order_date)},
    "buyer_state_code": ${dq(o.buyer_state_code)},
    "lines": [
        {"sku": "WIDGET-1", "description": "Widget", "quantity": 2, "rate": 100, "tax_rate": 18},
    ],
})
print(status, answer)
if status not in (200, 409):  # 409: already received, safe to ignore
    raise SystemExit(f"HTTP {status}: {answer.get('error')}")
`;
}

function phpCode(url) {
  const o = order();
  return `<?php
const URL = ${php(url)};
const SECRET = ${php(SECRET_PLACEHOLDER)};

/** POSTs one event; the signature is over the exact bytes sent. */
function send_event(string $event, array $payload): array
{
    $body = json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
    $signature = hash_hmac('sha256', $body, SECRET);
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => "Content-Type: application/json\\r\\nX-Connectors-Event: $event\\r\\nX-Connectors-Signature: $signature\\r\\n",
        'content' => $body,
        'ignore_errors' => true, // read the JSON answer of a 4xx/5xx too
        'timeout' => 30,
    ]]);
    $answer = @file_get_contents(URL, false, $context);
    $headers = function_exists('http_get_last_response_headers') ? http_get_last_response_headers() : $http_response_header;
    $status = preg_match('#^HTTP/\\S+ (\\d{3})#', $headers[0] ?? '', $m) ? (int) $m[1] : 0;
    return [$status, json_decode($answer ?: '{}', true)];
}

[$status, $answer] = send_event('order.created', [
    'external_id' => ${php(o.external_id)},
    'customer_name' => ${php(o.customer_name)},
    'order_date' => ${php(o.order_date)},
    'buyer_state_code' => ${php(o.buyer_state_code)},
    'lines' => [
        ['sku' => 'WIDGET-1', 'description' => 'Widget', 'quantity' => 2, 'rate' => 100, 'tax_rate' => 18],
    ],
]);
echo $status, ' ', json_encode($answer), PHP_EOL;
if ($status !== 200 && $status !== 409) { // 409: already received, safe to ignore
    fwrite(STDERR, "HTTP $status: " . ($answer['error'] ?? '') . PHP_EOL);
    exit(1);
}
`;
}

function node(url) {
  const o = order();
  return `// Node 18 or later (global fetch); save as send-order.mjs and run: node send-order.mjs
import { createHmac } from 'node:crypto';

const URL = ${dq(url)};
const SECRET = ${dq(SECRET_PLACEHOLDER)};

/** POSTs one event; the signature is over the exact bytes sent. */
async function sendEvent(event, payload) {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const signature = createHmac('sha256', SECRET).update(body).digest('hex');
  const response = await fetch(URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Connectors-Event': event, 'X-Connectors-Signature': signature },
    body,
  });
  const text = await response.text();
  return { status: response.status, answer: text ? JSON.parse(text) : {} };
}

const { status, answer } = await sendEvent('order.created', {
  external_id: ${dq(o.external_id)},
  customer_name: ${dq(o.customer_name)},
  order_date: ${dq(o.order_date)},
  buyer_state_code: ${dq(o.buyer_state_code)},
  lines: [{ sku: 'WIDGET-1', description: 'Widget', quantity: 2, rate: 100, tax_rate: 18 }],
});
console.log(status, answer);
if (status !== 200 && status !== 409) { // 409: already received, safe to ignore
  console.error(\`HTTP \${status}: \${answer.error}\`);
  process.exitCode = 1;
}
`;
}

function csharp(url) {
  // The body is written out as text: the bytes signed are the bytes sent, and no reflection-based serializer is
  // needed (file-based apps and trimmed builds switch it off).
  const json = JSON.stringify(order()).replaceAll('"', '""');
  return `// .NET 6 or later: save as send-order.cs and run: dotnet run send-order.cs (.NET 10), or paste into any program
using System.Security.Cryptography;
using System.Text;

const string Url = ${dq(url)};
const string Secret = ${dq(SECRET_PLACEHOLDER)};

// Build this JSON from your order (any JSON library will do); the signature is over the exact bytes sent.
var body = Encoding.UTF8.GetBytes(@"${json}");
var signature = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)).ToLowerInvariant();

using var http = new HttpClient();
using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(body) };
request.Content.Headers.ContentType = new("application/json");
request.Headers.Add("X-Connectors-Event", "order.created");
request.Headers.Add("X-Connectors-Signature", signature);
using var response = await http.SendAsync(request);
var status = (int)response.StatusCode;
Console.WriteLine($"{status} {await response.Content.ReadAsStringAsync()}");
return status is 200 or 409 ? 0 : 1; // 409: already received, safe to ignore
`;
}

export const snippetTabs = [
  { id: 'curl', label: 'curl', code: curl },
  { id: 'python', label: 'Python', code: python },
  { id: 'php', label: 'PHP', code: phpCode },
  { id: 'node', label: 'Node', code: node },
  { id: 'csharp', label: 'C#', code: csharp },
];

export const sdks = [
  { id: 'python', label: 'Python' },
  { id: 'php', label: 'PHP' },
  { id: 'node', label: 'Node' },
  { id: 'csharp', label: 'C#' },
];
