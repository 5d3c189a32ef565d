<?php
/**
 * Connectors client for custom-coded sites: send orders, edits and refunds, signed, with retries.
 * PHP 7.4+ core only (hash, json, http stream wrapper; openssl for https). Contract: docs/custom-source.md.
 *
 *   require 'ConnectorsClient.php';
 *   $client = new Connectors\ConnectorsClient('<Delivery URL>', '<Signing secret>');
 *   $client->sendOrder(['external_id' => 'ORD-12345', 'customer_name' => 'Asha Rao', 'order_date' => '2026-05-25',
 *       'buyer_state_code' => '29', 'lines' => [['sku' => 'WIDGET-1', 'description' => 'Widget',
 *       'quantity' => 2, 'rate' => 100, 'tax_rate' => 18]]]);
 */

namespace Connectors;

/** The server refused the event (4xx), or every attempt failed (5xx or network error). */
class ConnectorsException extends \RuntimeException
{
    /** @var int|null the HTTP status (null after network errors only) */
    public $statusCode;
    /** @var string|null the server's status word: invalid, unauthorized, not_found, failed, unavailable, ... */
    public $status;
    /** @var string the server's explanation */
    public $error;
    /** @var int how many requests were made */
    public $attempts;

    public function __construct(?int $statusCode, ?string $status, string $error, int $attempts)
    {
        $this->statusCode = $statusCode;
        $this->status = $status;
        $this->error = $error;
        $this->attempts = $attempts;
        $where = $statusCode !== null ? trim("HTTP $statusCode " . ($status ?? '')) : 'network error';
        parent::__construct("Connectors did not accept the event ($where) after $attempts attempt(s): $error", $statusCode ?? 0);
    }
}

/** A delivery the server took: 2xx, or 409 (already received: a re-send, nothing duplicated). */
class DeliveryResult
{
    /** @var int */ public $statusCode;
    /** @var string|null accepted, posted, held, stale, duplicate */ public $status;
    /** @var string|null */ public $eventId;
    /** @var string[] voucher numbers (with the wait option) */ public $vouchers;
    /** @var string|null */ public $error;
    /** @var int */ public $attempts;
    /** @var bool */ public $duplicate;

    public function __construct(int $statusCode, array $body, int $attempts)
    {
        $this->statusCode = $statusCode;
        $this->status = $body['status'] ?? null;
        $this->eventId = $body['eventId'] ?? null;
        $this->vouchers = $body['vouchers'] ?? [];
        $this->error = $body['error'] ?? null;
        $this->attempts = $attempts;
        $this->duplicate = $statusCode === 409;
    }
}

/**
 * Sends order.created / order.updated / order.refunded to one connection's Delivery URL.
 * Retries 5xx answers and network errors with exponential back-off and jitter (never 4xx); 409 counts as success.
 * Options: max_attempts (5), base_delay (0.5 s), max_delay (30 s), timeout (30 s), wait (1-10 s: answer once posted).
 */
class ConnectorsClient
{
    const VERSION = '1.0.0';

    private $url;
    private $secret;
    private $maxAttempts;
    private $baseDelay;
    private $maxDelay;
    private $timeout;
    private $wait;

    public function __construct(string $webhookUrl, string $webhookSecret, array $options = [])
    {
        if ($webhookUrl === '' || $webhookSecret === '') {
            throw new \InvalidArgumentException('webhookUrl and webhookSecret are required (both are on the connection\'s page).');
        }
        $this->url = $webhookUrl;
        $this->secret = $webhookSecret;
        $this->maxAttempts = max(1, (int)($options['max_attempts'] ?? 5));
        $this->baseDelay = (float)($options['base_delay'] ?? 0.5);
        $this->maxDelay = (float)($options['max_delay'] ?? 30.0);
        $this->timeout = (float)($options['timeout'] ?? 30.0);
        $this->wait = isset($options['wait']) ? (int)$options['wait'] : null;
    }

    /** order.created: external_id, customer_name, order_date, buyer_state_code?, currency?, lines. */
    public function sendOrder(array $order): DeliveryResult
    {
        return $this->send('order.created', $order);
    }

    /** order.updated: external_id, updated_at (when the edit was made: the edit's version), lines (the full new set). */
    public function sendUpdate(array $update): DeliveryResult
    {
        return $this->send('order.updated', $update);
    }

    /** order.refunded: external_id, refund_id, refund_date, refunded_at?, lines. */
    public function sendRefund(array $refund): DeliveryResult
    {
        return $this->send('order.refunded', $refund);
    }

    /** Sends one event; $body is an array (null values are left out) or the exact JSON string to send. */
    public function send(string $event, $body): DeliveryResult
    {
        $raw = is_string($body) ? $body : json_encode(
            array_filter($body, function ($v) { return $v !== null; }),
            JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR);
        // The signature is over exactly these bytes, the ones sent.
        $headers = [
            'Content-Type: application/json',
            'X-Connectors-Event: ' . $event,
            'X-Connectors-Signature: ' . hash_hmac('sha256', $raw, $this->secret),
            'User-Agent: connectors-client-php/' . self::VERSION,
            'Connection: close', // the stream wrapper reads to the end of the connection
        ];
        if ($this->wait) {
            $headers[] = 'Prefer: wait=' . $this->wait;
        }
        for ($attempt = 1; ; $attempt++) {
            [$statusCode, $answer, $networkError] = $this->post($raw, $headers);
            if ($statusCode !== null) {
                if (($statusCode >= 200 && $statusCode < 300) || $statusCode === 409) {
                    return new DeliveryResult($statusCode, $answer, $attempt);
                }
                if ($statusCode < 500 || $attempt >= $this->maxAttempts) {
                    throw new ConnectorsException($statusCode, $answer['status'] ?? null, $answer['error'] ?? '(no error in the answer)', $attempt);
                }
            } elseif ($attempt >= $this->maxAttempts) {
                throw new ConnectorsException(null, null, $networkError, $attempt);
            }
            usleep((int)($this->delay($attempt) * 1e6));
        }
    }

    /** Exponential back-off with jitter: base * 2^(n-1), capped, then a random half to full of it. */
    private function delay(int $attempt): float
    {
        $ceiling = min($this->maxDelay, $this->baseDelay * (2 ** ($attempt - 1)));
        return $ceiling * (0.5 + mt_rand() / mt_getrandmax() / 2);
    }

    /** @return array{0: ?int, 1: array, 2: string} status code (null on a network error), JSON answer, network error */
    private function post(string $raw, array $headers): array
    {
        $context = stream_context_create(['http' => [
            'method' => 'POST',
            'header' => implode("\r\n", $headers),
            'content' => $raw,
            'timeout' => $this->timeout,
            'ignore_errors' => true, // read the JSON body of 4xx/5xx answers too
            'follow_location' => 0,
            'protocol_version' => 1.1,
        ]]);
        $error = '';
        set_error_handler(function ($no, $message) use (&$error) { $error = $message; return true; });
        try {
            $data = file_get_contents($this->url, false, $context);
        } finally {
            restore_error_handler();
        }
        $responseHeaders = function_exists('http_get_last_response_headers') ? http_get_last_response_headers() : ($http_response_header ?? null);
        if ($data === false || empty($responseHeaders)) {
            return [null, [], $error !== '' ? $error : 'no answer from ' . $this->url];
        }
        $statusCode = null;
        foreach ($responseHeaders as $line) { // the last status line (after any 100 Continue)
            if (preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $m)) {
                $statusCode = (int)$m[1];
            }
        }
        if ($statusCode === null) {
            return [null, [], 'no HTTP status in the answer from ' . $this->url];
        }
        $answer = json_decode($data, true);
        return [$statusCode, is_array($answer) ? $answer : ['error' => substr($data, 0, 200)], ''];
    }
}
