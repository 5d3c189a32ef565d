// What each platform needs from the shop owner (docs/sources.md, docs/custom-source.md, /work/shared/platforms.md):
// the fields the connection is created with, where the delivery URL goes, which secret comes from where, and the
// payload reference shown on the connection page.

const responses = [
  ['200', 'accepted (durable, queued; posting follows within seconds), or posted with Prefer: wait=10', 'done'],
  ['400', 'invalid JSON, missing or invalid field, unknown event; error names it', 'fix the payload, do not retry as is'],
  ['401', 'signature missing, or not the HMAC of the raw body with the signing secret', 'sign the raw bytes with the signing secret'],
  ['404', 'unknown or revoked connection', 're-copy the delivery URL'],
  ['409', 'already received (same external_id, or refund_id, or updated_at)', 'safe to ignore'],
  ['413 / 415', 'body over 1 MiB / not application/json', 'send smaller JSON'],
  ['422', 'with Prefer: wait: posting refused it (another currency, ...); the key is freed', 'fix it and send again, same id'],
  ['5xx', 'storage unavailable; nothing was accepted', 'retry with exponential back-off'],
];

const platformAnswers = [
  ['200', 'accepted, duplicate, recorded, ignored or unprocessable (kept, replayable): always 200 once authenticated, so the platform never disables the webhook'],
  ['401', 'signature missing or wrong'],
  ['404', 'unknown, revoked or expired URL'],
  ['503', 'storage unavailable; the platform retries'],
];

export const platforms = {
  custom: {
    label: 'Custom-coded site',
    blurb: 'Your developer POSTs signed order.created, order.updated and order.refunded events.',
    fields: [],
    before: [
      'Give the connection a name (e.g. "My main store" or "acme-shop.com") and save.',
      'The next page shows the Delivery URL and the Signing secret once: store the secret in your password manager and send both to your developer over a secure channel.',
    ],
    after: [
      'Your developer downloads an SDK (Python, PHP, Node, C#) or copies the sample code on the connection page, and puts in the URL and secret.',
      'Each request is signed: X-Connectors-Signature = hex HMAC-SHA256 of the raw request body, key = the signing secret.',
      'On the connection page, Verify setup sends a signed test order through the same route.',
    ],
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Connectors-Event (or X-Booksmor-Event)', 'order.created, order.updated or order.refunded'],
      ['X-Connectors-Signature (or X-Booksmor-Signature)', 'hex HMAC-SHA256 of the raw body bytes, key = the signing secret (sha256= prefix optional)'],
      ['Prefer (optional)', 'wait=10: answer after posting (200 posted with the voucher numbers), at most 10 s'],
    ],
    events: [
      { name: 'order.created', fields: [
        ['external_id', 'string, 1-100, required', 'your order id; a second order.created with it is a 409'],
        ['customer_name', 'string, required', 'the customer on the voucher'],
        ['order_date', 'YYYY-MM-DD, required', 'the voucher date'],
        ['buyer_state_code', 'two digits, optional', 'GST place of supply (96 = outside India); default the home state'],
        ['currency', 'ISO code, optional', 'must be the books\' currency'],
        ['lines[]', '1-1000, required', 'sku (required), description (required), quantity > 0, rate >= 0, tax_rate 0-100, gift_card (optional)'],
      ] },
      { name: 'order.updated', fields: [
        ['external_id', 'string, required', 'the order'],
        ['updated_at', 'ISO-8601 timestamp, recommended', 'when the edit was made: the note\'s date and the edit\'s version'],
        ['lines[]', 'required', 'the order\'s full new line set, net of refunds made before updated_at'],
      ] },
      { name: 'order.refunded', fields: [
        ['external_id', 'string, required', 'the order'],
        ['refund_id', 'string, 1-100, required', 'your refund id'],
        ['refund_date', 'YYYY-MM-DD, required', 'the credit note date'],
        ['refunded_at', 'ISO-8601 timestamp, optional', 'orders a refund against an edit of the same day'],
        ['lines[]', 'required', 'sku, quantity, rate (description optional), compensation (optional)'],
      ] },
    ],
    responses,
  },
  shopify: {
    label: 'Shopify',
    blurb: 'Shopify admin webhooks for orders, refunds and products.',
    fields: [{ name: 'saleOn', label: 'The sale is posted on', type: 'select', options: [['create', 'Order creation (orders/create)'], ['paid', 'Order payment (orders/paid)']] }],
    before: ['Choose when a Shopify order becomes a sale: at creation, or when it is paid.'],
    after: [
      'In Shopify admin → Settings → Notifications → Webhooks → Create webhook: format JSON, URL = the Delivery URL.',
      'Create one webhook per topic: Order creation, Order payment, Order update, Order edit, Order cancellation, Refund create, Product update.',
      'Shopify shows "Your webhooks will be signed with …": paste that key below, so every delivery must carry a valid X-Shopify-Hmac-Sha256 (for an app\'s webhooks use the app\'s client secret).',
    ],
    secret: { field: 'webhookSecret', label: 'Shopify webhook signing key', where: 'Settings → Notifications → Webhooks, "Your webhooks will be signed with …"' },
    headers: [
      ['X-Shopify-Topic', 'orders/create, orders/paid, orders/updated, orders/edited, orders/cancelled, refunds/create, products/update'],
      ['X-Shopify-Hmac-Sha256', 'base64 HMAC-SHA256 of the raw body, key = the signing key'],
      ['X-Shopify-Event-Id / X-Shopify-Webhook-Id', 'delivery id, deduplicated'],
    ],
    topics: [
      ['orders/create or orders/paid (saleOn)', 'sales voucher'],
      ['orders/updated, orders/edited', 'debit or credit note for the difference, plus one credit note per refund listed'],
      ['refunds/create', 'credit note (restock per restock_type)'],
      ['orders/cancelled', 'credit note for what is still open'],
      ['products/update', 'item name, price and stock'],
    ],
    answers: platformAnswers,
    test: 'In Shopify, the webhook list has "Send test notification"; it shows here in Recent activity.',
  },
  woocommerce: {
    label: 'WooCommerce',
    blurb: 'WooCommerce webhooks (WP REST API v3) for orders and products.',
    fields: [],
    before: ['Save: you get an order Delivery URL and a product Delivery URL.'],
    after: [
      'WooCommerce → Settings → Advanced → Webhooks → Add webhook: Status Active, API version WP REST API v3.',
      'One webhook each for Order created, Order updated and Order deleted with the Delivery URL; Product created and Product updated with the product Delivery URL.',
      'Type the same Secret into each webhook and store it below (WooCommerce signs X-WC-Webhook-Signature with it). Saving a webhook sends a ping, shown as "ping" in Recent activity.',
    ],
    secret: { field: 'webhookSecret', label: 'WooCommerce webhook secret', where: 'the Secret field of each webhook (the same one in all)', generate: true },
    headers: [
      ['X-WC-Webhook-Topic', 'order.created, order.updated, order.deleted, product.created, product.updated'],
      ['X-WC-Webhook-Signature', 'base64 HMAC-SHA256 of the raw body, key = the webhook secret'],
    ],
    topics: [
      ['order.created / order.updated, processing or completed', 'sales voucher (once), edits as notes, refunds[] as value credit notes'],
      ['order.updated, cancelled', 'credit note for what is still open'],
      ['order.* pending, on-hold, failed', 'recorded, not a sale yet'],
      ['product.created / product.updated', 'item name, price and stock'],
    ],
    answers: platformAnswers,
    test: 'Saving a webhook in WooCommerce sends a ping; Webhooks → (webhook) → Deliver resends the latest event.',
  },
  jumpseller: {
    label: 'Jumpseller',
    blurb: 'Jumpseller store webhooks, signed with the store\'s hooks token.',
    fields: [
      { name: 'storeCode', label: 'Store code (the xyz of xyz.jumpseller.com)', required: true },
      { name: 'hooksToken', label: 'Hooks token', required: true, secret: true, hint: 'Jumpseller Admin Panel → Config → Notifications → Webhooks (not the API auth token).' },
    ],
    before: ['Copy the store\'s hooks token from Jumpseller Admin Panel → Config → Notifications → Webhooks.'],
    after: [
      'In the same Jumpseller page, add one webhook per event with the Delivery URL: order_paid, order_updated, order_canceled, order_pending_payment, order_shipped, product_created, product_updated, product_stock_updated.',
      'One URL serves every store: the store is told apart by its Jumpseller-Store-Code header.',
    ],
    secret: { field: 'hooksToken', label: 'Jumpseller hooks token', where: 'Admin Panel → Config → Notifications → Webhooks' },
    headers: [
      ['Jumpseller-Event', 'order_paid, order_updated, order_canceled, ...'],
      ['Jumpseller-Store-Code', 'the store code given here'],
      ['Jumpseller-Hmac-Sha256', 'base64 HMAC-SHA256 of the raw body, key = the hooks token'],
    ],
    topics: [
      ['order_paid (or order_updated with status Paid)', 'sales voucher; later order_updated edits as notes'],
      ['order_canceled', 'credit note for what is still open'],
      ['order_pending_payment, order_shipped', 'recorded'],
      ['product_*', 'item name, price and stock'],
    ],
    answers: platformAnswers,
  },
  selldone: {
    label: 'Selldone',
    blurb: 'Selldone\'s Online Order webhook; the secret is the token in the URL.',
    fields: [],
    before: ['Selldone documents no signature: the Delivery URL carries a 160-bit token, shown once. Keep it like a password.'],
    after: ['Paste the Delivery URL as the endpoint of the shop\'s Online Order webhook in the Selldone dashboard.'],
    headers: [['Content-Type', 'application/json; the URL token authenticates']],
    topics: [
      ['PaymentOrder', 'sales voucher'],
      ['CancelProduct', 'credit note for the cancelled item, restocked'],
      ['ReturnOrder', 'credit note for the returned items, restocked'],
      ['CheckoutOrder, OrderConfirm, PreparingOrder, SentOrder, ToCustomer, DeliveryCanceled', 'recorded'],
    ],
    answers: platformAnswers,
  },
  bookto: {
    label: 'bookto',
    blurb: 'bookto order.paid webhooks, signed over "timestamp.body".',
    fields: [{ name: 'webhookSecret', label: 'bookto signing secret', required: true, secret: true, hint: 'bookto → Integrations → API key & webhooks → Reveal.' }],
    before: ['In bookto: Integrations → API key & webhooks card → Reveal the signing secret, and paste it here.'],
    after: [
      'Paste the Delivery URL under Webhooks in the same bookto card and click Add (no API key needed).',
      'After bookto\'s Regenerate, store the new signing secret below.',
    ],
    secret: { field: 'webhookSecret', label: 'bookto signing secret', where: 'Integrations → API key & webhooks → Reveal' },
    headers: [
      ['X-Bookto-Event', 'order.paid'],
      ['X-Bookto-Timestamp', 'unix seconds; refused beyond the tolerance (5 minutes)'],
      ['X-Bookto-Signature', 'sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">'],
    ],
    topics: [['order.paid', 'sales voucher (one line, VAT as bookto states it); is_test_order → TEST series']],
    answers: platformAnswers,
    test: 'A payment in bookto\'s test mode sends a webhook marked is_test_order: it posts in the TEST series.',
  },
};

export const platformLabel = (p) => platforms[p]?.label ?? p;
