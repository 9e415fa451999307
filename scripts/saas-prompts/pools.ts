// Shared fillers for the SaaS prompt families: the pasted material real
// requests carry (reviews, tickets, emails, code, diffs, traces, logs,
// clauses) and the tier-neutral wrappers (greetings, context, sign-offs)
// that real traffic puts around a request. Every name, company, address and
// number is invented. Written for tierd, CC0 (data/saas/LICENSE).

export const reviews = [
  "Setup took five minutes and support answered within the hour. Love it.",
  "The app crashes every time I upload a CSV bigger than 10 MB. Useless.",
  "It's fine. Does what it says, nothing more.",
  "Billing charged me twice this month and nobody replied to my email.",
  "Honestly the best reporting tool we've tried, the team adopted it in a week.",
  "The new UI is confusing, I can't find the export button anymore.",
  "Works great on desktop but the mobile version is painfully slow.",
  "Cancelled. Too expensive for what it offers.",
  "not bad but the dark mode has contrast issues",
  "Five stars, the Zapier integration saved us hours every week",
  "Support closed my ticket without fixing anything. Third time.",
  "Pricing went up 30% with two weeks notice. Looking at alternatives.",
  "Decent product, onboarding docs could be better though.",
  "the calendar sync is magic, never going back",
  "Reports take forever to load when you pick more than 3 months",
  "Great features, terrible mobile notifications. 3/5",
  "We rolled it out to 400 agents and nobody complained, which is a first.",
  "Why do I have to log in every single day??",
];

export const tickets = [
  "Hi, I can't log in since this morning, it says my password is wrong but I just reset it.",
  "Please cancel my subscription at the end of the billing period.",
  "How do I add a teammate to my workspace?",
  "Your invoice #INV-20931 shows the wrong VAT number, can you fix it?",
  "The CSV export is missing the 'created_at' column since yesterday's update.",
  "Can we get a quote for 250 seats on the Enterprise plan?",
  "I was charged $49 but I'm on the free plan??",
  "Webhooks stopped firing for our account around 2am UTC.",
  "I'd like to delete my account and all my data (GDPR request).",
  "The dashboard shows 0 visitors for last week, that can't be right.",
  "Where can I download the SOC 2 report?",
  "hello?? our whole team is locked out, SSO says 'invalid audience'",
  "Can you extend our trial by two weeks? Our security review is still running.",
  "The mobile app won't open on Android 14, it just shows a white screen.",
  "Is there an API endpoint to bulk update contact owners?",
  "We were promised a discount at renewal and the invoice doesn't show it.",
  "Please change the billing email to ap@tidewater-freight.com",
  "Reports scheduled for Monday 9am arrive on Sunday evening for our Sydney team.",
];

export const emails = [
  "Hi there,\n\nFollowing up on our call last Thursday. We'd like to move forward with the Growth plan for 35 seats starting March 1st. Could you send the order form to our procurement contact, Dana Whitfield (dana.whitfield@harborline.co)? Our PO number is PO-77812.\n\nThanks,\nMarcus Lee\nOperations Manager, Harborline Shipping\n+1 (617) 555-0142",
  "Hello,\n\nI'm writing because we were billed $1,890.00 on invoice INV-44102 dated 2024-05-03, but our contract says $1,590.00 per month. This is the second time this happened. Please correct it and issue a credit note before May 20.\n\nRegards,\nSofia Marchetti\nFinance, Verdant Foods S.p.A.",
  "Hey team - quick heads up that our company is rebranding from Kestrel Robotics to Kestrel Automation on July 1. Please update the account name, the invoice header and the logo on our customer portal. Our new billing address is 48 Harbor Way, Suite 300, Oakland, CA 94607. Cheers, Ines",
  "Dear Support,\n\nSince your update on Tuesday, our Salesforce sync has been creating duplicate contacts (about 1,200 so far). We have paused the integration. Our account ID is ACC-90417 and the admin is Raj Patel. We need this fixed before our quarter-end reporting on the 28th.\n\nBest regards,\nHelen Novak\nRevOps Lead, Brightpath Health",
  "Hi! We are a nonprofit (registered charity no. 1187433) and wanted to ask whether you offer a discount. We have 12 staff and would use the CRM and the email campaigns. Our budget is around 150 GBP a month. Thanks so much, Amara Okafor, Programme Director, Open Shelf Trust",
  "Good morning,\n\nPer our MSA section 7.2, we are giving notice that we will not renew the agreement that expires on 30 September 2024. Please confirm receipt and let us know how to export our data before the end date.\n\nKind regards,\nThomas Weber\nHead of IT, Lumen Retail GmbH",
];

export const chats = [
  "User: my invoices page is blank\nAgent: which browser are you using?\nUser: chrome, latest\nAgent: can you try an incognito window?\nUser: ok that works\nAgent: it's probably an extension, try disabling ad blockers",
  "Customer: we need to add 20 seats before Friday\nRep: sure, I can prorate that on your current invoice\nCustomer: and can we switch to annual billing at the same time?\nRep: yes, you'd get two months free\nCustomer: perfect, send it over",
  "User: the API returns 429 all the time since this morning\nAgent: you're on the Starter plan, the limit is 10 requests per second\nUser: we never changed anything\nAgent: I see a new API key created yesterday making bursts of calls\nUser: oh, that's our new intern's script",
  "Customer: I want a refund, the tool doesn't do what the sales rep said\nAgent: I'm sorry to hear that, what was promised?\nCustomer: multi-currency invoices\nAgent: that's available on Pro, you're on Basic\nCustomer: nobody told me that",
];

export const names = ["Maria Gonzalez", "Tom Becker", "Priya Natarajan", "Kenji Watanabe", "Chloé Martin", "Ahmed Khalil", "Sarah O'Neil", "Lukas Nowak", "Dana Whitfield", "Jordan Blake", "Amara Okafor", "Raj Patel"];
export const companies = ["Northwind Logistics", "Brightpath Health", "Kestrel Robotics", "Lumen Retail", "Oakridge Capital", "Bluefin Media", "Harborline Shipping", "Verdant Foods", "Tidewater Freight", "Open Shelf Trust"];
export const products = ["the CRM", "the billing dashboard", "our mobile app", "the invoicing module", "the Slack integration", "the analytics workspace", "the public API", "the onboarding flow", "the help center", "the reporting suite", "the customer portal", "the scheduling tool"];
export const langs = ["TypeScript", "Python", "Go", "Java", "Ruby", "Rust", "Kotlin", "C#", "PHP", "JavaScript"];
export const services = ["api-gateway", "billing-service", "auth-service", "notification-worker", "search-indexer", "ledger-service", "webhook-dispatcher", "report-builder", "session-store", "sync-worker"];

export const code = [
  "```ts\nexport async function getUser(id: string) {\n  const res = await fetch(`/api/users/${id}`);\n  const data = await res.json();\n  return data.user;\n}\n```",
  "```python\ndef apply_discount(price, pct):\n    if pct > 1:\n        pct = pct / 100\n    return round(price - price * pct, 2)\n```",
  "```go\nfunc (s *Store) Get(key string) (string, error) {\n\ts.mu.Lock()\n\tv, ok := s.m[key]\n\tif !ok {\n\t\treturn \"\", ErrNotFound\n\t}\n\ts.mu.Unlock()\n\treturn v, nil\n}\n```",
  "```js\napp.post('/invite', async (req, res) => {\n  const user = await db.users.create({ email: req.body.email, role: req.body.role });\n  await mailer.send(user.email, 'You are invited');\n  res.json(user);\n});\n```",
  "```java\npublic List<Order> recent(Customer c) {\n    List<Order> out = new ArrayList<>();\n    for (Order o : repo.findAll()) {\n        if (o.getCustomerId().equals(c.getId())) out.add(o);\n    }\n    return out;\n}\n```",
  "```python\nclass RateLimiter:\n    def __init__(self, limit):\n        self.limit = limit\n        self.calls = []\n\n    def allow(self):\n        now = time.time()\n        self.calls = [t for t in self.calls if now - t < 60]\n        if len(self.calls) < self.limit:\n            self.calls.append(now)\n            return True\n        return False\n```",
  "```ruby\ndef monthly_total(invoices)\n  invoices.select { |i| i.paid_at.month == Date.today.month }.sum(&:amount)\nend\n```",
  "```ts\nfunction formatPrice(cents: number, currency = 'USD') {\n  return (cents / 100).toFixed(2) + ' ' + currency;\n}\n```",
  "```kotlin\nfun parseCsvLine(line: String): List<String> = line.split(\",\").map { it.trim() }\n```",
  "```php\n$user = $db->query(\"SELECT * FROM users WHERE email = '\" . $_GET['email'] . \"'\")->fetch();\nif ($user) { echo json_encode($user); }\n```",
];

export const diffs = [
  "```diff\n--- a/src/billing/refund.ts\n+++ b/src/billing/refund.ts\n@@ -21,9 +21,11 @@ export async function refund(chargeId: string, amount: number) {\n-  const charge = await stripe.charges.retrieve(chargeId);\n-  if (amount > charge.amount) throw new Error('too much');\n+  const charge = await cache.get(chargeId) ?? await stripe.charges.retrieve(chargeId);\n+  if (amount > charge.amount_refunded) throw new Error('too much');\n   return stripe.refunds.create({ charge: chargeId, amount });\n }\n```",
  "```diff\n--- a/app/models/user.rb\n+++ b/app/models/user.rb\n@@ -4,6 +4,8 @@ class User < ApplicationRecord\n   has_many :memberships\n+  scope :active, -> { where('last_seen_at > ?', 30.days.ago) }\n+  after_save :sync_to_crm\n \n   def admin?\n-    role == 'admin'\n+    role == 'admin' || email.ends_with?('@acme.io')\n   end\n```",
  "```diff\n--- a/worker/export.py\n+++ b/worker/export.py\n@@ -40,7 +40,9 @@ def export_rows(query, out):\n-    rows = db.execute(query).fetchall()\n-    for row in rows:\n+    cursor = db.execute(query)\n+    while True:\n+        row = cursor.fetchone()\n         out.write(','.join(map(str, row)) + '\\n')\n```",
  "```diff\n--- a/internal/http/middleware.go\n+++ b/internal/http/middleware.go\n@@ -12,8 +12,7 @@ func Auth(next http.Handler) http.Handler {\n \treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {\n \t\ttok := r.Header.Get(\"Authorization\")\n-\t\tif tok == \"\" {\n-\t\t\thttp.Error(w, \"unauthorized\", 401)\n-\t\t\treturn\n-\t\t}\n+\t\tctx := context.WithValue(r.Context(), userKey, parse(tok))\n+\t\tnext.ServeHTTP(w, r.WithContext(ctx))\n```",
  "```diff\n--- a/src/components/InvoiceTable.tsx\n+++ b/src/components/InvoiceTable.tsx\n@@ -30,6 +30,10 @@ export function InvoiceTable({ invoices }: Props) {\n+  useEffect(() => {\n+    fetch('/api/invoices').then((r) => r.json()).then(setRows);\n+  });\n   return (\n     <table>\n-      {rows.map((r) => <Row invoice={r} />)}\n+      {rows.map((r, i) => <Row key={i} invoice={r} />)}\n```",
];

export const traces = [
  "TypeError: Cannot read properties of undefined (reading 'id')\n    at mapInvoice (src/billing/map.ts:42:18)\n    at Array.map (<anonymous>)\n    at InvoiceService.list (src/billing/service.ts:88:25)\n    at async Router.handle (src/http/router.ts:131:9)",
  "Traceback (most recent call last):\n  File \"worker/tasks.py\", line 214, in sync_accounts\n    acct = crm.fetch(account_id)\n  File \"worker/crm_client.py\", line 77, in fetch\n    resp.raise_for_status()\nrequests.exceptions.HTTPError: 429 Client Error: Too Many Requests",
  "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6f1c2a]\ngoroutine 1187 [running]:\nledger/internal/post.(*Poster).Apply(0x0, {0xc000a1e000, 0x3})\n\t/src/internal/post/poster.go:93 +0x4a",
  "org.postgresql.util.PSQLException: ERROR: deadlock detected\n  Detail: Process 8812 waits for ShareLock on transaction 99120; blocked by process 8790.\n\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2675)\n\tat com.acme.billing.InvoiceRepository.markPaid(InvoiceRepository.java:141)",
  "Error: connect ETIMEDOUT 10.0.3.17:6379\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n    at RedisClient.connect (node_modules/ioredis/built/Redis.js:121:9)\n    at SessionStore.get (src/session/store.ts:27:11)",
  "ActiveRecord::RecordNotUnique: PG::UniqueViolation: ERROR:  duplicate key value violates unique constraint \"index_subscriptions_on_account_id\"\n  app/services/subscription_sync.rb:58:in `upsert!'\n  app/jobs/stripe_webhook_job.rb:22:in `perform'",
];

export const logs = [
  "2024-03-11T02:14:07Z ERROR webhook-dispatcher delivery failed status=504 attempt=3 endpoint=hooks.customer.io\n2024-03-11T02:14:07Z WARN  webhook-dispatcher queue depth=18234 lag_s=412\n2024-03-11T02:14:09Z ERROR api-gateway upstream timeout service=auth-service p99_ms=9800\n2024-03-11T02:14:11Z INFO  auth-service gc pause_ms=2300 heap_mb=3900",
  "12:01:33 billing-service INFO charge created id=ch_81 amount=4900\n12:01:33 ledger-service INFO entry posted ref=ch_81\n12:01:34 billing-service WARN retrying charge id=ch_81 reason=timeout\n12:01:35 ledger-service INFO entry posted ref=ch_81\n12:01:35 billing-service INFO charge created id=ch_81 amount=4900",
  "search-indexer[3] ERROR bulk index rejected: es_rejected_execution_exception queue capacity 200\nsearch-indexer[3] WARN backing off 30s\nreport-builder ERROR query timeout after 30000ms on events_rollup\nsearch-indexer[1] ERROR bulk index rejected: es_rejected_execution_exception queue capacity 200",
  "09:14:02 sync-worker INFO pulled 500 contacts cursor=c_19\n09:14:03 sync-worker INFO pulled 500 contacts cursor=c_19\n09:14:03 crm-api WARN rate limit 80% account=ACC-90417\n09:14:04 sync-worker INFO upserted 500 contacts created=500 updated=0\n09:14:05 sync-worker INFO upserted 500 contacts created=500 updated=0",
  "[edge] 503 upstream connect error path=/v1/sessions 812 req/s\n[auth] WARN token cache miss ratio=0.94\n[auth] ERROR db pool exhausted waiting=240\n[session-store] INFO evicted 41233 keys reason=maxmemory\n[mobile-bff] WARN retry storm detected retries/s=5400",
];

export const clauses = [
  "Vendor shall indemnify Customer against any and all claims arising from or related to the Services, without limitation.",
  "Customer may terminate for convenience on 30 days' notice and receive a pro-rata refund of all prepaid fees, including implementation fees.",
  "Vendor's aggregate liability shall not exceed the fees paid in the twelve (12) months preceding the claim, except for breaches of Section 9 (Data Protection), which shall be uncapped.",
  "This Agreement renews automatically for successive one-year terms unless either party gives written notice of non-renewal at least ninety (90) days before the end of the then-current term.",
  "Customer grants Vendor a perpetual, irrevocable, worldwide license to use Customer Data to improve Vendor's products and services.",
  "Vendor may modify the Service Level Agreement at any time by posting a revised version on its website, effective thirty (30) days after posting.",
  "All disputes shall be resolved by binding arbitration in Delaware, and each party waives any right to a jury trial or class action.",
];

export const tables = [
  "orders(id, customer_id, total_cents, status, created_at)",
  "subscriptions(id, account_id, plan, started_at, cancelled_at)",
  "events(id, user_id, name, properties jsonb, occurred_at)",
  "invoices(id, account_id, amount_cents, currency, paid_at, due_at)",
  "tickets(id, account_id, priority, opened_at, closed_at, assignee_id)",
  "users(id, email, signup_source, created_at, last_seen_at)",
];

export const filesets = [
  "src/billing/service.ts, src/billing/map.ts, src/http/router.ts and src/cache/invoices.ts",
  "api/handlers/checkout.go, internal/payments/client.go, internal/inventory/reserve.go",
  "app/jobs/stripe_webhook_job.rb, app/services/subscription_sync.rb, config/sidekiq.yml",
  "worker/tasks.py, worker/crm_client.py, common/retry.py and settings/production.py",
  "gateway/nginx.conf, auth/src/session.ts, mobile-bff/src/retry.ts",
  "the Helm chart values.yaml, deploy/hpa.yaml and the sidecar's envoy.yaml",
];

/** Tier-neutral openings: who asks and how; the same for every tier. */
export const prefixes = [
  "", "", "", "", "", "", "",
  "Hi! ", "Hey, ", "hey - ", "Quick one: ", "Hello, ", "Good morning. ", "Hi team, ",
  "I work in support at a 200-person SaaS company. ",
  "Context: we're a B2B analytics startup. ",
  "I'm the only engineer at our startup, so bear with me. ",
  "For our customer success team: ",
  "I'm a product manager, not an engineer. ",
  "Our stack is Node, Postgres and Redis on AWS. ",
  "We're a 40-person fintech. ",
  "Task: ",
  "Please help with this. ",
  "Need a hand here. ",
];

/** Tier-neutral endings. */
export const suffixes = [
  "", "", "", "", "", "", "",
  " Thanks!", " Thank you.", " ty", " Thanks in advance.", " Cheers.",
  " Keep it short.", " Be concise.", " Please be thorough.", " Use markdown.",
  " No preamble, please.", " This is for a customer, so keep it accurate.", " Need this today.",
];
