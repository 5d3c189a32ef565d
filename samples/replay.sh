#!/usr/bin/env bash
# Replays a sample delivery exactly as the platform sends it: same headers, same signature over the raw bytes.
#   samples/replay.sh <connection-url> <file> [secret]
# The platform comes from the URL (/custom/, /shopify/, /woocommerce/, /jumpseller, /selldone/, /bookto/), the event
# from the file name:
#   custom/order-created.json                   -> X-Connectors-Event: order.created
#   shopify/orders-create--india-inclusive.json -> X-Shopify-Topic: orders/create
#   woocommerce/order-updated--refunds.json     -> X-WC-Webhook-Topic: order.updated
#   woocommerce/no-topic--*.json                -> no topic header (a bare order, like the seed's curl example)
#   woocommerce/ping.txt                        -> the form-encoded ping WooCommerce sends when a webhook is saved
#   jumpseller/order_paid.json                  -> Jumpseller-Event: order_paid (store code from $STORE_CODE, default mystore)
#   selldone/PaymentOrder.json                  -> no header: Selldone's URL token is the authentication
#   bookto/order.paid.json                      -> X-Bookto-Event: order.paid, signed with a fresh X-Bookto-Timestamp
# The secret signs the body as the platform does: Custom hex HMAC-SHA256 (sha256=...), Shopify, WooCommerce and
# Jumpseller base64 HMAC-SHA256, bookto hex HMAC-SHA256 of "<timestamp>.<body>".
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 <connection-url> <file> [secret]" >&2
  exit 2
fi
url=$1 file=$2 secret=${3:-}
[[ -f $file ]] || { echo "no such file: $file" >&2; exit 2; }

name=$(basename "$file")
name=${name%.*}      # orders-create--india-inclusive
topic=${name%%--*}   # orders-create
headers=()

signature() { openssl dgst -sha256 -hmac "$1" -binary < "$file" | base64 | tr -d '\n'; }
hex_signature() { openssl dgst -sha256 -hmac "$1" | sed 's/^.*= //'; }
uuid() { cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen 2>/dev/null || od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

case $url in
  */shopify/*)
    topic=${topic/-//}   # first dash only: orders-create -> orders/create
    headers+=(-H "Content-Type: application/json" -H "X-Shopify-Topic: $topic" -H "X-Shopify-Webhook-Id: $(uuid)"
              -H "X-Shopify-Shop-Domain: example.myshopify.com" -H "X-Shopify-API-Version: 2025-01"
              -H "X-Shopify-Triggered-At: $(date -u +%Y-%m-%dT%H:%M:%S.000Z)")
    [[ -n $secret ]] && headers+=(-H "X-Shopify-Hmac-Sha256: $(signature "$secret")")
    ;;
  */woocommerce/*)
    if [[ $name == ping ]]; then
      headers+=(-H "Content-Type: application/x-www-form-urlencoded" -H "User-Agent: WooCommerce/9.0 Hookshot (WordPress/6.5)")
    else
      headers+=(-H "Content-Type: application/json" -H "User-Agent: WooCommerce/9.0 Hookshot (WordPress/6.5)"
                -H "X-WC-Webhook-Source: https://shop.example/" -H "X-WC-Webhook-ID: 17" -H "X-WC-Webhook-Delivery-ID: $(uuid | tr -d -)")
      if [[ $topic != no-topic ]]; then
        topic=${topic/-/.}  # order-created -> order.created
        headers+=(-H "X-WC-Webhook-Topic: $topic" -H "X-WC-Webhook-Resource: ${topic%%.*}" -H "X-WC-Webhook-Event: ${topic#*.}")
      fi
      [[ -n $secret ]] && headers+=(-H "X-WC-Webhook-Signature: $(signature "$secret")")
    fi
    ;;
  */custom/*)
    headers+=(-H "Content-Type: application/json" -H "X-Connectors-Event: ${topic/-/.}")   # order-created -> order.created
    [[ -n $secret ]] && headers+=(-H "X-Connectors-Signature: sha256=$(hex_signature "$secret" < "$file")")
    ;;
  */jumpseller)
    headers+=(-H "Content-Type: application/json" -H "Jumpseller-Event: $topic" -H "Jumpseller-Store-Code: ${STORE_CODE:-mystore}"
              -H "Jumpseller-Triggered-At: $(date -u +%Y-%m-%dT%H:%M:%SZ)")
    [[ -n $secret ]] && headers+=(-H "Jumpseller-Hmac-Sha256: $(signature "$secret")")
    ;;
  */selldone/*)
    headers+=(-H "Content-Type: application/json")
    ;;
  */bookto/*)
    ts=$(date +%s)
    headers+=(-H "Content-Type: application/json" -H "X-Bookto-Event: $(cut -d. -f1,2 <<< "$name")" -H "X-Bookto-Timestamp: $ts")
    [[ -n $secret ]] && headers+=(-H "X-Bookto-Signature: sha256=$({ printf '%s.' "$ts"; cat "$file"; } | hex_signature "$secret")")
    ;;
  *)
    echo "cannot tell the platform from $url: expected .../custom/<id>, /shopify/<token>, /woocommerce/<token>, /jumpseller, /selldone/<token> or /bookto/<id>" >&2
    exit 2
    ;;
esac

curl -sS -X POST "$url" "${headers[@]}" --data-binary "@$file" -w '\nHTTP %{http_code}\n'
