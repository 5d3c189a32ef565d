<?php
// Test driver: reads one call as JSON on stdin, makes it with clients/php, prints the outcome as JSON.
$job = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
require $job['client'] . '/ConnectorsClient.php';

$client = new Connectors\ConnectorsClient($job['url'], $job['secret'], [
    'max_attempts' => $job['max_attempts'], 'base_delay' => $job['base_delay_ms'] / 1000, 'timeout' => 20, 'wait' => $job['wait'] ?? null,
]);
try {
    $method = ['order' => 'sendOrder', 'update' => 'sendUpdate', 'refund' => 'sendRefund'][$job['call']];
    $r = $client->$method($job['args']);
    $out = ['ok' => true, 'statusCode' => $r->statusCode, 'status' => $r->status, 'eventId' => $r->eventId,
        'vouchers' => $r->vouchers, 'attempts' => $r->attempts, 'duplicate' => $r->duplicate];
} catch (Connectors\ConnectorsException $e) {
    $out = ['ok' => false, 'statusCode' => $e->statusCode, 'status' => $e->status, 'error' => $e->error,
        'message' => $e->getMessage(), 'attempts' => $e->attempts];
}
echo json_encode($out), "\n";
