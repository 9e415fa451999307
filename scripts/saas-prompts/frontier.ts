// Frontier: open problems where a weaker answer costs real money: system
// design and trade-offs, debugging across services and files, security and
// adversarial analysis, legal and compliance analysis, migrations, and
// planning under many constraints. Many are short: "Design a multi-region
// setup for our billing database" needs frontier in eight words.
import type { Family } from "./family.js";
import { clauses, code, companies, diffs, filesets, logs, products, services, traces } from "./pools.js";

const systems = [
  "a usage-based billing pipeline processing 2 billion metering events a month", "a multi-tenant audit log with per-tenant retention and legal hold",
  "real-time collaborative editing of dashboards", "a webhook delivery system with per-customer ordering guarantees", "a notification service for email, SMS and push",
  "a global rate limiter for our public API", "a search service across 40k tenants", "a feature-flag service", "a job scheduler that survives node failures",
  "the permission model for orgs, workspaces, projects and guests", "an event-sourced ledger", "a data pipeline from Postgres to the warehouse",
];
const constraints = [
  "exactly-once billing", "p99 under 200 ms", "EU data must stay in the EU", "tenants isolated for SOC 2", "no downtime window", "two engineers for six months",
  "budget under $20k a month", "99.95% availability", "30 days of replay", "per-tenant rate limits", "auditable changes", "no vendor lock-in",
];
const jurisdictions = ["California", "Germany", "the UK", "New York", "France", "Brazil", "Illinois", "Australia", "the EU", "Canada"];

export const frontierFamilies: Family[] = [
  {
    name: "f-architecture", tier: "frontier", perTemplate: 9, slots: { system: systems, c: constraints, product: products, service: services },
    templates: [
      "Design {system}. Constraints: {c}; {c}; {c}.{ Compare options and pick one.| Cover failure modes.|}",
      "{How would you|How should we} architect {system}?",
      "{Propose|Sketch} an architecture for {system} {given|with} {c} and {c}. {Discuss the trade-offs.|What are the trade-offs?|Explain the failure modes.}",
      "Design a multi-region {active-active|active-passive} setup for {product}{ with failover| and explain conflict resolution|}.",
      "We need to split {service} out of our monolith. Propose the service boundary, data ownership and a zero-downtime migration.",
      "{Review|Poke holes in} our architecture: one Kafka topic partitioned by account_id, consumers write to Postgres and Elasticsearch, a nightly job reconciles both. {Requirements|Must have}: {c}, {c}.",
      "{What are the trade-offs between|Compare} {CRDTs and operational transforms|event sourcing and CRUD with an outbox|a shared database and database-per-service|sync and async replication} for {system}?",
      "{Design|Propose} {the data model|a sharding strategy|the caching strategy} for {system}, {at scale|for 100x growth|keeping per-tenant queries fast}.",
      "{Should we|Do we} build or buy {a feature-flag service|our own auth|a billing engine}? Consider {cost over three years, reliability, compliance and staffing|risk, lock-in and team size}.",
    ],
  },
  {
    name: "f-multi-debug", tier: "frontier", perTemplate: 9, slots: { service: services, trace: traces, log: logs, files: filesets, n: ["2", "3", "4"] },
    templates: [
      "Our {service} started failing after yesterday's deploy. Trace and logs from {three|several} services below. Find the root cause{ and propose a fix|}.\n\n{trace}\n\n{log}",
      "Customers are {charged twice|getting duplicate emails|seeing other tenants' data} intermittently. {Figure out|Work out} what's going on across the services and design a safe fix.\n\n{log}",
      "This bug only happens under load and on {n} of our 12 pods. {Stack trace|Trace}:\n{trace}\nRelevant files: {files}. Where would you look, what hypotheses, and how would you confirm each?",
      "Memory in {service} grows until OOM-kill, and {service} restarts at the same time. {How could they be interacting|Debugging plan across both}?",
      "{Debug|Help me debug} this across {files}: {requests hang after a few hours|totals are off by a few cents|sessions expire early}. Logs:\n{log}",
      "p99 latency jumped from 120ms to 900ms {only on the reporting endpoints|only for EU tenants|after the ORM upgrade}; CPU is flat and pool waits went up. {How would you find the cause systematically?|What's the likely cause across the stack?}",
      "{Find|What's} the race {between|across} {service} and {service} here:\n{log}",
      "The bug spans multiple files ({files}) and only shows in production. {Here's the trace:|Trace:}\n{trace}\n{What's the root cause|Walk me through a root-cause analysis}?",
      "Postmortem: {the edge proxy config change raised timeouts, mobile retries overloaded auth, the session cache evicted and everyone was logged out|a bad migration locked a table, queues backed up, webhooks were retried for hours}. Identify contributing causes across teams and the fixes.",
    ],
  },
  {
    name: "f-security", tier: "frontier", perTemplate: 9, slots: { feature: ["customer-supplied webhook URLs", "SAML SSO with just-in-time provisioning", "the CSV import of contacts", "per-workspace API keys", "our password reset flow", "custom JavaScript transforms that run on our servers", "the file upload and preview service", "impersonation for support agents"], product: products, code, diff: diffs, finding: ["workspace ids are sequential and one export endpoint skips the tenant check", "JWTs are signed with HS256 using a secret shared by all services", "the PDF renderer fetches arbitrary URLs from invoice templates", "session tokens never expire", "engineers have standing production database access"] },
    templates: [
      "Threat-model {feature}{| in our product| for our app}. {Attacker goals, trust boundaries and top risks with mitigations.|Assume a malicious tenant admin.|}",
      "{Audit|Review} this endpoint for security issues ({authz, injection, SSRF|IDOR, mass assignment, injection}) and how an attacker would chain them:\n{code}",
      "{Is this diff safe|Security review of this change}? Think like an attacker.\n{diff}",
      "Our pentest found that {finding}. {Assess the real impact and a remediation plan ordered by risk.|What's the blast radius and how do we fix it without downtime?}",
      "How could {prompt injection|indirect prompt injection through ticket contents|a jailbreak} make our {support bot|AI assistant} leak other customers' data through its tools (ticket search, account lookup, refunds)? Design layered defenses.",
      "{Red-team|Attack} our LLM agent setup: {it can read emails and call a refund tool|it browses customer URLs and writes to the CRM}. List the likely exploits and how to detect them.",
      "What are the security risks of {feature} and how would you {sandbox|lock down|harden} it?",
      "{Design|Propose} {a key rotation plan for secrets embedded in 2,000 customer apps|break-glass just-in-time production access with audit logging|tenant isolation for a shared Postgres cluster} that {doesn't break old clients|still lets on-call move fast|would pass a SOC 2 audit}.",
      "Is our plan {secure|safe}: {feature}, with {rate limiting only by IP|API keys stored in plain text in the DB|CSRF tokens on the web app only}? {Find the weaknesses.|What would an attacker do?}",
    ],
  },
  {
    name: "f-legal", tier: "frontier", perTemplate: 9, slots: { clause: clauses, company: companies, j: jurisdictions, change: ["72-hour breach notice reduced to 24 hours", "unlimited on-site audits", "prior written approval for every new sub-processor", "uncapped liability for data breaches", "source code escrow"] },
    templates: [
      "{Analyze|Assess} this clause from {company}'s {MSA|contract|redline} and {tell us the risk for us as the vendor|propose a counter}:\n\n\"{clause}\"",
      "Is this clause enforceable in {j} versus {j}?\n\"{clause}\"",
      "{Compare|Review} our DPA with the customer's requested change: {change}. Consider GDPR Art. 28{, sub-processor notice| and audit rights}. What should legal push back on{ and why|}?",
      "A customer in {j} says SLA credits are owed for an outage caused by our cloud provider; our SLA excludes force majeure and third-party failures. {Analyze both sides.|Who's right?}",
      "Is {recording sales calls and training our AI on the transcripts|using customer support transcripts to fine-tune a model|tracking product usage without a cookie banner} lawful in {j} and {j}? What consent changes would we need?",
      "{Propose|Write} redlines for this clause, we're the SaaS vendor, with reasoning:\n{clause}",
      "{What are our legal risks if|Analyze the liability if} {a customer's data is leaked by our sub-processor|we ship a GPL library in our SaaS|an employee in {j} works remotely from abroad|a customer in {j} is hit by our outage}?",
      "How should we structure data residency so EU customers' data never leaves the EU, under GDPR and Schrems II, while support and analytics stay usable?",
      "A customer wants to terminate early claiming we breached the SLA (99.9% promised, 99.7% delivered because of a DNS provider outage). The contract has force majeure and a sole-remedy credit clause. {Analyze our position.|What's our exposure?}",
    ],
  },
  {
    name: "f-compliance", tier: "frontier", perTemplate: 6, slots: { framework: ["HIPAA", "SOC 2 Type II", "PCI DSS", "ISO 27001", "GDPR", "the EU AI Act"], product: products },
    templates: [
      "Does our setup (single KMS key per region, shared Postgres, support agents with read access) satisfy {framework}? {Analyze the gaps and what we should build.|What's missing?}",
      "A customer's security questionnaire asks how we meet {framework} for {product}. Draft a rigorous gap analysis and a roadmap.",
      "What changes to {product} would bring us into {framework} scope, and how do we minimize that scope?",
      "{Plan|Design} our path to {framework} in two quarters with a five-person team: controls, evidence, sequencing and risks.",
      "Our auditor flagged {standing production access|shared admin accounts|missing access reviews} under {framework}. Propose a control design that still lets on-call fix incidents.",
      "Map the obligations of {framework} to our architecture (web app, API, workers, warehouse, support tooling) and find the weak spots.",
    ],
  },
  {
    name: "f-migration", tier: "frontier", perTemplate: 7, slots: { service: services, product: products, n: ["14", "37", "120", "300"] },
    templates: [
      "Plan the migration of our {4TB|12TB|800GB} Postgres from self-hosted to a managed service with {less than 5 minutes of write downtime|zero downtime}, including rollback and data validation.",
      "Plan a zero-downtime migration from {MySQL to Postgres|a single database to per-tenant schemas|REST webhooks to an event bus} for {product}.",
      "{How do we|Plan how to} roll out a breaking API change (v1 to v2) across {n} integration partners{ without breaking anyone| with a single codepath in six months}? Identify dependencies and the critical path.",
      "We're moving from single-tenant deployments per customer to a shared multi-tenant cluster. Lay out the target architecture and a migration sequence for {n} customers.",
      "Plan moving {service} to another cloud region with live traffic{, keeping data consistent| and a rollback plan}.",
      "Migrate our {n} enterprise customers from per-seat to usage-based pricing without anyone paying more than 10% more in year one. Show the reasoning and the edge cases.",
      "Sequence the split of our Rails monolith into services over {a year|18 months}: which pieces first, how data moves, and what could go wrong.",
    ],
  },
  {
    name: "f-distributed", tier: "frontier", perTemplate: 7, slots: { system: systems },
    templates: [
      "We want exactly-once processing from SDK to ingestion API to Kafka to aggregator to billing. Where can duplicates or loss happen, and what design guarantees correct invoices?",
      "{How do we keep|Design how to keep} {the cache and the database|Postgres and Elasticsearch|three regional replicas} consistent for {system}{, with the trade-offs|}?",
      "Our event-driven system has {14|30} services and nobody knows which owns which data. Propose a strategy to untangle ownership and the order of changes.",
      "What consistency model should {system} use, and {what breaks under a network partition|how do we handle clock skew|how do we order events per tenant}?",
      "{Design|Propose} leader election and failover for {system} without a managed coordination service.",
      "Reason through the failure modes of two-phase commit versus the saga pattern for {system}, and recommend one.",
      "The nightly reconciliation between Stripe, our ledger and the warehouse is off on 0.3% of invoices; currency conversion, refunds and proration go through different services. How would you track down the discrepancy?",
    ],
  },
  {
    name: "f-planning", tier: "frontier", perTemplate: 6, slots: { c: constraints, product: products },
    templates: [
      "We need to cut our cloud bill by {40%|30%} in two quarters without hurting reliability. Breakdown: compute 45%, Postgres 25%, transfer 15%, logging 10%. Build a prioritized plan with risks.",
      "{Capacity-plan|Plan capacity for} {product} for 10x growth next year: {c}, {c}. Show the math and the bottlenecks.",
      "Given {trial to activated 38%, activated to paid 22%, 12-month retention 81%|our churn by cohort and plan}, which of three experiments should we run first? Consider sample sizes, interactions and seasonality.",
      "Decide our {multi-region strategy|disaster recovery strategy|data retention policy} given {c}, {c} and {c}, and defend the decision.",
      "Prioritize {our security backlog of 40 findings|the tech debt across 6 teams|the roadmap for next year} under {c} and {c}. Explain the reasoning.",
      "{Plan|Design} the incident response process for a data breach affecting EU and US customers: roles, notification deadlines per jurisdiction, communications and forensics.",
    ],
  },
];
