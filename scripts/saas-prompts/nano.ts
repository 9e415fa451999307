// Nano: classification, extraction, yes/no, formatting, lookups. A short
// answer a small model gets right, whatever is pasted around the request:
// code, logs and contract text appear here too, so that their presence alone
// does not read as "hard".
import type { Family } from "./family.js";
import { chats, clauses, code, companies, emails, logs, names, reviews, tickets, traces } from "./pools.js";

export const nanoFamilies: Family[] = [
  {
    name: "n-sentiment", tier: "nano", perTemplate: 8, slots: { review: reviews, chat: chats },
    templates: [
      "{What's|What is|Give me} the sentiment of this {review|comment|feedback}? {positive/negative/neutral|pos, neg or neutral}\n\n{review}",
      "{review}\n\n^ {positive or negative?|is this positive or negative|sentiment pls}",
      "Rate this {review|comment} on a scale of 1-5 for {satisfaction|how happy the customer is}. {Output|Return|Reply with} {only the number|a single digit}.\n\"{review}\"",
      "Is the customer in this chat {frustrated|angry|upset}? {Yes or no.|yes/no}\n\n{chat}",
      "{Label|Tag|Mark} the emotion: {joy, anger, disappointment, neutral|happy / annoyed / neutral}. Text: {review}",
      "For each line give POS, NEG or NEU:\n{review}\n{review}\n{review}",
      "would you call this {feedback|review} a promoter, passive or detractor? one word\n{review}",
    ],
  },
  {
    name: "n-intent", tier: "nano", perTemplate: 8, slots: { ticket: tickets, email: emails },
    templates: [
      "Route this {ticket|message|request} to {one team|a queue}: {billing, technical, account, sales|Billing / Tech Support / Sales / Legal}. {Team name only.|Just the queue.}\n\n{ticket}",
      "{What's|What is} the intent? {Options|Choose from}: cancel, refund, login_issue, how_to, bug_report, sales_inquiry, data_request.\n{ticket}",
      "priority P1-P4 for: {ticket}",
      "{Classify|Categorize} this email as {renewal, billing dispute, data request, pricing question or other|one of: sales, support, finance, legal}.\n\n{email}",
      "Which product area does this {ticket|complaint} belong to (login, billing, exports, integrations, mobile)? {ticket}",
      "Is this {ticket|message} {urgent|time-sensitive}? Answer {yes or no|Y/N}: {ticket}",
      "{Pick|Choose} a label for the ticket below: BUG, QUESTION, FEATURE_REQUEST, ACCOUNT.\n---\n{ticket}\n---",
      "{Does|Would} this need a human agent or can the FAQ bot answer it? {human/bot|Reply human or bot}. {ticket}",
    ],
  },
  {
    name: "n-extract", tier: "nano", perTemplate: 9, slots: { email: emails, ticket: tickets, chat: chats, name: names, company: companies },
    templates: [
      "{Extract|Pull out|Grab} the {PO number|invoice number and amount|sender's name and company|phone number|postal address} from this email{| as JSON}:\n\n{email}",
      "From the email below, return JSON with keys {name, company, email|sender, date, amount|account_id, contact}. Use null for anything missing.\n\n{email}",
      "{List|Give me} every {date|email address|number|company name} {mentioned|that appears} in {this|the following} text{, one per line|}:\n{email}",
      "What's the {order|invoice|account} id in this message? {Return|Output} null if {none|there isn't one}. \"{ticket}\"",
      "{Get|Find} the customer's requested {action|change} in five words or fewer: {email}",
      "Who is the {decision maker|contact person} in this email? Name only.\n{email}",
      "Pull the {seat count|plan name|go-live date} out of this chat:\n\n{chat}",
      "{name} from {company} - extract first name, last name and company as {a JSON object|CSV}.",
      "Extract the key fields (deadline, amount, reference) from:\n{email}",
    ],
  },
  {
    name: "n-yesno", tier: "nano", perTemplate: 8,
    slots: { ticket: tickets, review: reviews, email: emails, chat: chats, addr: ["john.doe@@acme.com", "sara@company.org", "no-at-sign.example.com", "ops+alerts@kestrel.ai"], year: ["2024", "2100", "2023", "2000"] },
    templates: [
      "Does this {message|email} {ask to cancel|mention a refund|contain a deadline|include a phone number}? {yes or no|Answer Y or N|true/false}\n\n{email}",
      "Is {this|the following} {review|text} about pricing? {yes/no|Y/N}: {review}",
      "{Is|Was} the problem in this chat {solved|resolved}? {Answer yes or no.|yes or no}\n{chat}",
      "Does the ticket mention {a specific invoice|an error message|a deadline}? {yes/no|y or n} - {ticket}",
      "Is \"{addr}\" a {valid|well-formed} email address?",
      "Is {year} a leap year?",
      "Does this text contain personal data (PII)? Answer only yes or no.\n{email}",
      "Is this message written in English? {ticket}",
    ],
  },
  {
    name: "n-format", tier: "nano", perTemplate: 8, slots: { name: names, date: ["03/04/2024 14:30", "Jan 5, 2023", "5 juin 2024", "2024.11.02", "Tuesday 12 March 2024 9am", "12/31/24"], list: ["export, filters, dashboards, sharing", "SSO, audit log, custom roles", "invoices, credit notes, refunds", "Rosa - Pro\nIvan - Free\nMei - Enterprise"], short: ["Your export is ready to download.", "Your trial ends in 3 days, upgrade to keep your dashboards.", "We've updated our privacy policy.", "Payment failed, please update your card."], row: ["17,Northwind Logistics,enterprise,250", "42,Bluefin Media,pro,12", "8,Lumen Retail,free,1"], typo: ["Thier invoice was sent to teh wrong adress.", "We apreciate you're patience while we investigate.", "Plese find atached the updated contrat.", "the reprot is definately ready tommorow"], phrase: ["monthly recurring revenue by region", "how to set up single sign-on", "release notes for the march update", "customer churn rate"] },
    templates: [
      "Convert {this date|the date} to ISO 8601: {date}",
      "{Turn|Convert|Reformat} this into a {markdown table|bulleted list|JSON array|comma-separated line}:\n{list}",
      "{Make|Put} this in {title case|snake_case|kebab-case|UPPER CASE}: {phrase}",
      "CSV row to JSON, header id,name,plan,seats: {row}",
      "{Translate|Put} \"{short}\" {into|in} {Spanish|German|French|Japanese|Portuguese}.",
      "{Shorten|Trim} this to under {60|40|80} characters {for a push notification|for an SMS|for a button label}: \"{short}\"",
      "{Fix|Correct} the {typos|spelling} and return only the {fixed|corrected} text: \"{typo}\"",
      "Format {name}'s name as 'Last, First'.",
    ],
  },
  {
    name: "n-lookup", tier: "nano", perTemplate: 7, slots: { status: ["401", "403", "409", "422", "429", "503", "304", "418"], proto: ["PostgreSQL", "Redis", "HTTPS", "SMTP submission", "MySQL", "SSH", "MongoDB"], acro: ["SLA", "ARR", "MRR", "SSO", "RBAC", "CSAT", "NPS", "SCIM", "DPA", "EOD"], city: ["Denver", "Bangalore", "São Paulo", "Auckland", "Lisbon", "Nairobi"] },
    templates: [
      "What does HTTP {status} mean?{| One line.| Short answer.}",
      "{What's|Which is} the default port for {proto}?",
      "What does {acro} stand for{?| in SaaS?}",
      "What {timezone|time zone} is {city} in?",
      "{How many|Number of} days {in|are in} {February 2024|April|Q3|a leap year}?",
      "What's {15%|20%|7.5%|a third} of {2,400|$980|18,000}?",
      "Which HTTP method is idempotent, POST or PUT?",
    ],
  },
  {
    name: "n-tagging", tier: "nano", perTemplate: 7, slots: { review: reviews, ticket: tickets, change: ["Fixed a crash when exporting reports with emoji in titles", "Added SCIM provisioning for Okta", "Invoices now support multiple currencies", "Dark mode for the mobile app", "Faster search on large workspaces"], product: ["ergonomic mesh office chair", "wireless noise cancelling headphones", "merino wool running socks", "stainless steel kettle", "4K USB-C monitor"], title: ["Sr. Staff SWE", "Head of People", "CFO", "Intern", "Account Executive", "VP Engineering"] },
    templates: [
      "Assign up to {two|three} tags from [onboarding, billing, performance, mobile, integrations, reporting, security]. {Comma-separated.|Tags only.}\n{review}",
      "{Categorize|Classify} the product \"{product}\" into Electronics, Home, Apparel, Sports or Office.",
      "Feature area of this changelog line{?|:} \"{change}\"",
      "Normalize the job title '{title}' to one of: engineer, manager, executive, sales, other.",
      "{Give|Suggest} {3|5} keywords for this ticket, comma separated: {ticket}",
      "Write a {3-6 word|short} title for this ticket: {ticket}",
      "Which plan fits {3|40|1200} seats {with SSO|without SSO|and audit logs}: free, pro or enterprise? One word.",
    ],
  },
  {
    name: "n-moderation", tier: "nano", perTemplate: 6, slots: { msg: ["Congratulations!!! You won a free iPhone, click here to claim now", "Your account will be suspended unless you verify your password at acme-support-login.co", "Can someone from your team call me back about the invoice?", "you people are idiots and your product is garbage", "Great webinar today, thanks for the slides!", "URGENT: wire $4,800 to the new vendor account before 5pm, CEO"] },
    templates: [
      "Is this spam? {true/false|yes or no}\n\"{msg}\"",
      "{Flag|Label} this message: SAFE, SPAM, PHISHING or ABUSIVE.\n{msg}",
      "Is this email likely {phishing|a scam}? Answer {yes/no|with one word}: {msg}",
      "Does this {comment|message} break a no-profanity rule? {msg}",
      "toxic or not toxic: {msg}",
      "Should this be {blocked|filtered} by the {spam filter|moderation queue}? yes/no -- {msg}",
    ],
  },
  {
    // Code and logs pasted, but the question is a lookup: nano.
    name: "n-code-lookup", tier: "nano", perTemplate: 7, slots: { code, log: logs, trace: traces, json: ["{\"user\": \"ana\", \"roles\": [\"admin\", \"billing\"],}", "{\"id\": 17, \"plan\": \"pro\", \"seats\": 12}", "{'id': 3, 'active': true}", "[1, 2, 3, ]"] },
    templates: [
      "What {programming language|language} is this {snippet|code} written in?{| One word.}\n{code}",
      "Is this valid JSON? {yes/no|Answer yes or no.}\n{json}",
      "{List|Extract} the function names {defined|declared} in this {code|snippet}, one per line:\n{code}",
      "How many ERROR lines are in this log?\n{log}",
      "{Extract|Pull out} the {service names|timestamps|status codes} from these logs as a list:\n{log}",
      "Which file and line does this {stack trace|error} point to? {Just the path and line.|Path:line only.}\n{trace}",
      "What's the exception type in this trace? One word.\n{trace}",
    ],
  },
  {
    // Contract and security vocabulary, lookup questions: nano.
    name: "n-doc-lookup", tier: "nano", perTemplate: 6, slots: { clause: clauses, email: emails, cvss: ["9.8", "7.5", "5.3", "3.1", "0.0"], pw: ["Summer2024!", "hunter2", "c0rrect-h0rse-battery-staple", "P@ssw0rd"] },
    templates: [
      "Does this clause mention {auto-renewal|a notice period|arbitration|a liability cap}? {yes/no|Y/N}\n\"{clause}\"",
      "{Extract|Pull} the {notice period|number of days|governing state|time period} from this clause{| as a number}: \"{clause}\"",
      "Which party does this clause {protect|favour}, Vendor or Customer? One word.\n{clause}",
      "CVSS score {cvss}: {what severity label is that|severity: low, medium, high or critical}?",
      "Does the password \"{pw}\" meet our policy (12+ characters, one digit, one symbol)? yes/no",
      "What is the contract end date mentioned here? {YYYY-MM-DD only.|Date only.}\n{email}",
    ],
  },
];

