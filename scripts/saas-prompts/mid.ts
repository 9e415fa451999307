// Mid: one self-contained piece of work a capable model does well in one
// pass: review a diff or a function, write code, tests, SQL or a config,
// summarise, draft, explain one error or concept. Many are short ("Review
// this PR for bugs" is mid however few words it has).
import type { Family } from "./family.js";
import { chats, clauses, code, companies, diffs, emails, langs, logs, products, reviews, tables, tickets, traces } from "./pools.js";

const tasks = [
  "validates an IBAN", "debounces a callback by 300 ms", "parses a Retry-After header (seconds or HTTP date)", "chunks an array into batches of N",
  "converts a nested object to dot-notation keys", "computes the prorated refund for a mid-cycle downgrade", "retries a promise with exponential backoff",
  "deduplicates contacts by normalized email", "formats a duration in ms as '1h 2m 3s'", "checks whether a date is a business day", "merges two sorted lists of invoices by date",
  "masks all but the last 4 digits of a card number", "groups events by user and day",
];

export const midFamilies: Family[] = [
  {
    name: "m-code-review", tier: "mid", perTemplate: 9, slots: { diff: diffs, code, lang: langs, product: products },
    templates: [
      "{Review|Can you review|Please review} this {PR|pull request|diff|patch|merge request} {for bugs|and flag anything wrong|before I merge it}.\n\n{diff}",
      "{Look over|Check|Sanity-check} this {diff|change} - {anything off?|any bugs or edge cases?|would you approve it?}\n{diff}",
      "Code review please:\n{code}",
      "{Review|Critique} this {lang} {function|snippet} for {bugs and readability|correctness, naming and error handling}. Suggest {concrete changes|fixes}.\n\n{code}",
      "What's wrong with this {code|function}? It {sometimes returns stale data|fails on empty input|is slow on large inputs}.\n{code}",
      "Review this PR diff for bugs",
      "{Give me|Write} review comments for this {diff|PR} as a list of file:line - comment.\n{diff}",
      "Is this change safe to ship to {product}? Point out {risks|regressions}.\n{diff}",
      "{Find|Spot} the bug{| in this}:\n{code}",
    ],
  },
  {
    name: "m-code-gen", tier: "mid", perTemplate: 9, slots: { lang: langs, task: tasks, code, fw: ["vitest", "pytest", "JUnit 5", "Go's testing package", "Jest", "RSpec"], comp: ["a paginated table of invoices", "a date range picker", "a file upload with progress", "a settings form with validation"] },
    templates: [
      "Write a {lang} function that {task}.",
      "{Implement|Write|Code up} {something|a helper|a function} in {lang} that {task}{. Include tests.|, with a docstring.|. Keep it dependency-free.|}",
      "{Write|Add} unit tests {for this|covering this function} using {fw}:\n{code}",
      "{Build|Write} a React component for {comp}, TypeScript please.",
      "{Need|I need} a {lang} script that {task}",
      "Generate a {lang} client method that calls GET /v1/{invoices|customers|events|tickets}?cursor=... and follows pagination until done.",
      "Write a bash script that {rotates log files older than 7 days|checks every service in a list answers /healthz|backs up a Postgres database to S3 with a dated filename}.",
      "Convert this {code|snippet} to {lang}:\n{code}",
      "how do i write a function in {lang} that {task}",
    ],
  },
  {
    name: "m-sql", tier: "mid", perTemplate: 8, slots: { table: tables, q2: ["see revenue by plan per month", "find users who never activated", "track cohort retention by signup month", "list overdue invoices by account"], q: ["returns monthly revenue for the last 12 months", "finds accounts that churned within 30 days of signup", "computes the 7-day rolling average of new signups", "lists the top 10 customers by lifetime value", "shows the median time to close per priority", "counts weekly active users per signup source", "finds duplicate emails", "returns each account's latest invoice"], sql: ["SELECT * FROM events WHERE lower(email) = 'x@y.com' ORDER BY created_at DESC;", "SELECT id, name FROM customers ORDER BY created_at LIMIT 50 OFFSET :offset;", "SELECT u.email, COUNT(*) FROM users u JOIN events e ON e.user_id = u.id WHERE e.name = 'login' GROUP BY u.email ORDER BY 2 DESC;", "SELECT * FROM orders WHERE DATE(created_at) = '2024-03-01' AND status IN (SELECT status FROM statuses WHERE active);"] },
    templates: [
      "{Write|Give me} a SQL query {over|on|for} {table} that {q}.",
      "Postgres, table {table}: {q}. {Explain it briefly.|}",
      "{sql}\n\n{Why is this slow|Make this faster|Can this be optimized}? {The table has 50M rows.|It takes 40s.|}",
      "SQL {that|to} {q}? schema: {table}",
      "{Explain|Walk me through} what this query does:\n{sql}",
      "{Fix|Debug} this query, it {returns duplicates|misses some rows|is off by one day}:\n{sql}",
      "Help me write a query for our analytics {DB|warehouse} ({table}) - I need to {q2}.",
      "Which index would help this query and why?\n{sql}",
    ],
  },
  {
    name: "m-summary", tier: "mid", perTemplate: 8, slots: { ticket: tickets, email: emails, chat: chats, log: logs, clause: clauses, reviews: [reviews.slice(0, 6).join("\n"), reviews.slice(6, 12).join("\n"), reviews.slice(10, 18).join("\n")], notes: ["- Maria wants to move the launch of the reporting suite to Q3\n- design review is blocked on the pricing page\n- Tom will check the legal wording for the EU\n- agreed to drop the CSV import from v1", "- churn up 1.2 pts in SMB\n- enterprise pipeline healthy, 3 deals in legal\n- hiring freeze on support until July\n- Ahmed to draft the Q3 OKRs", "- incident last Tuesday: 40 min of failed logins\n- root cause a bad deploy of auth-service\n- action: add canary for auth\n- action: page the on-call earlier"] },
    templates: [
      "{Summarize|Summarise|TL;DR} this {email|message} in {2|3} {bullets|sentences}:\n\n{email}",
      "Summarize this {chat|conversation} for the CRM notes:\n{chat}",
      "{Turn|Make} these meeting notes into a {short summary with decisions and action items|recap email}:\n{notes}",
      "{Group|Summarize} this feedback into {themes|the top 3 complaints}{| with counts}:\n{reviews}",
      "What happened in these logs? {Short summary for the team.|Explain in plain words.}\n{log}",
      "Explain this contract clause in plain English for {our sales team|a customer}:\n\"{clause}\"",
      "{Summarize|Condense} the thread for {the account manager|my manager}:\n\nCustomer: {ticket}\nAgent: Thanks, I've escalated this to engineering.\nCustomer: It's been two days and still nothing.\nAgent: Engineering found the cause and a fix ships tonight.",
      "Write an executive summary of {this|the following} {update|note} in under 100 words:\n{email}",
    ],
  },
  {
    name: "m-drafting", tier: "mid", perTemplate: 8, slots: { ticket: tickets, email: emails, product: products, company: companies, feature: ["scheduled reports", "two-factor authentication for all plans", "a Salesforce sync", "usage-based pricing", "audit logs", "a dark mode"], role: ["senior backend engineer", "customer success manager", "product designer", "support lead"], explain: ["the refund will take 5-7 business days", "the feature is on our roadmap for next quarter", "we can't restore data deleted more than 30 days ago", "the price change applies at renewal"] },
    templates: [
      "{Draft|Write} a {polite|friendly|short} reply to this customer {explaining that|saying} {explain}:\n\n\"{ticket}\"",
      "{Reply|Respond} to this email{ on behalf of our billing team|| in a warm tone}:\n\n{email}",
      "Write {release notes|a changelog entry|an announcement} for {feature} in {product}.",
      "Write an onboarding email for new admins at {company} {explaining how to invite their team|covering SSO setup and roles}.",
      "Write a job post for a {role}.",
      "{Draft|Write} an FAQ (5 questions) about {feature}.",
      "{Rewrite|Edit} this to sound {more professional|friendlier|clearer}: \"{ticket}\"",
      "Write a {blog post outline|short LinkedIn post} announcing {feature}.",
    ],
  },
  {
    name: "m-explain", tier: "mid", perTemplate: 8, slots: { trace: traces, a: ["optimistic locking", "a LEFT JOIN", "idempotency keys", "webhooks", "JWTs", "a message queue", "OAuth scopes", "database indexes"], b: ["pessimistic locking", "an INNER JOIN", "request ids", "polling", "session cookies", "a cron job", "API keys", "materialized views"] },
    templates: [
      "{Explain|What does} this error {mean|means}{ and how do I fix it|}?\n{trace}",
      "{Explain|What's} the difference between {a} and {b}{ with an example| for a junior dev|}?",
      "{How does|Explain how} {OAuth 2.0 with PKCE|a CDN cache|connection pooling|database replication|rate limiting} {work|works}{, simply| for our support team|}?",
      "When should I use {a} instead of {b}?",
      "What is {a} and why would a SaaS app need it?",
      "Why am I getting this?\n{trace}",
      "{Teach|Explain to} me {a} like I'm a new {support agent|PM|hire}.",
      "Our p95 latency {doubled|went up} after enabling {request logging|TLS on Redis|the new ORM version}. What are the usual suspects?",
    ],
  },
  {
    name: "m-devops", tier: "mid", perTemplate: 7, slots: { lang: langs },
    templates: [
      "Write a Dockerfile for a {small Flask app with gunicorn|Node 20 API|Go service} {with a non-root user|using multi-stage builds|}.",
      "{Write|Create} a GitHub Actions workflow that {runs lint and tests on every PR|builds and pushes a Docker image on tag|runs the nightly export job}.",
      "{Give me|Write} a Kubernetes {Deployment and Service|CronJob|HorizontalPodAutoscaler} for our {api|worker|report job}.",
      "Write an nginx config that {proxies /api to port 3000 and serves static files|redirects http to https|adds CORS headers for our app domain}.",
      "Terraform for {an S3 bucket with versioning and encryption|a Postgres RDS instance|a CloudFront distribution}, please.",
      "Write a cron expression for {every weekday at 7:30am|the first Monday of each month|every 15 minutes during business hours} and explain it.",
      "{Write|Help me write} a regex for {UK postcodes|ticket ids like OPS-1234|semantic versions|hex colours} and explain {it|each part}.",
    ],
  },
  {
    name: "m-analysis", tier: "mid", perTemplate: 7, slots: { product: products },
    templates: [
      "Our weekly active users {dropped|went} from {4,210 to 3,640|12k to 10.9k|880 to 1,020}. Write a short {paragraph for the exec update|analysis} with possible reasons.",
      "Here's our funnel: visit 10,000 -> signup {820|1,140} -> activated {310|420} -> paid {61|95}. Where's the biggest drop and what would you try first?",
      "{Compare|Contrast} {REST and GraphQL|Postgres and MongoDB|Stripe and Paddle|monorepo and polyrepo} for {a small team|our public API|a B2B SaaS} in a short table.",
      "Interpret these A/B test results for {product}: control 4.1% conversion (n=5,200), variant 4.6% (n=5,150). Is it significant?",
      "Give me {5|8} interview questions for a {support lead|backend engineer|product designer}, with what good answers look like.",
      "Suggest {5|10} KPIs for {product} and how to compute each.",
      "Write a short competitive comparison of {product} vs a generic spreadsheet workflow for a sales deck.",
    ],
  },
  {
    name: "m-bugfix", tier: "mid", perTemplate: 7, slots: { code, trace: traces, lang: langs },
    templates: [
      "This {function|code} throws {on empty input|when the list is empty|sometimes}. Fix it:\n{code}",
      "{Fix|Patch} the bug behind this error:\n{trace}",
      "{Refactor|Clean up} this {to be more readable|and add types|to use async/await}:\n{code}",
      "Add error handling to this {snippet|function}:\n{code}",
      "{Why does|How come} this return the wrong {total|value}?\n{code}",
      "Make this {lang} code {thread-safe|faster|testable}:\n{code}",
      "The React warning says each child needs a unique key prop in InvoiceTable. How do I fix it?",
    ],
  },
];

