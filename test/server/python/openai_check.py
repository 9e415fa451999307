"""The official openai Python package against tierd, unchanged except
base_url and api_key: what a Python codebase gets when it points at tierd.
Prints one JSON object with what each call returned; the vitest test that
runs this script checks it."""
import json
import sys

from openai import OpenAI

base_url, api_key = sys.argv[1], sys.argv[2]
client = OpenAI(base_url=base_url, api_key=api_key, max_retries=0)
out = {}

plain = client.chat.completions.with_raw_response.create(
    model="tierd/auto", messages=[{"role": "user", "content": "Is 7 a prime number?"}]
)
completion = plain.parse()
out["plain"] = {
    "content": completion.choices[0].message.content,
    "finish": completion.choices[0].finish_reason,
    "tier_header": plain.headers.get("x-tierd-tier"),
    "total_tokens": completion.usage.total_tokens,
}

text = ""
finish = None
usage = None
for chunk in client.chat.completions.create(
    model="nano",
    messages=[{"role": "user", "content": "Name three colours"}],
    stream=True,
    stream_options={"include_usage": True},
):
    if chunk.choices:
        text += chunk.choices[0].delta.content or ""
        finish = chunk.choices[0].finish_reason or finish
    if chunk.usage:
        usage = chunk.usage.completion_tokens
out["stream"] = {"text": text, "finish": finish, "completion_tokens": usage}

weather = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
messages = [{"role": "user", "content": "Weather in Lisbon?"}]
first = client.chat.completions.create(model="mid", messages=messages, tools=[weather])
call = first.choices[0].message.tool_calls[0]
second = client.chat.completions.create(
    model="mid",
    messages=messages
    + [first.choices[0].message.model_dump(exclude_none=True), {"role": "tool", "tool_call_id": call.id, "content": "sunny"}],
    tools=[weather],
)
out["tools"] = {
    "finish": first.choices[0].finish_reason,
    "name": call.function.name,
    "arguments": json.loads(call.function.arguments),
    "final": second.choices[0].message.content,
}

schema = {"type": "object", "properties": {"label": {"type": "string"}}, "required": ["label"], "additionalProperties": False}
structured = client.chat.completions.create(
    model="nano",
    messages=[{"role": "user", "content": "Label this"}],
    response_format={"type": "json_schema", "json_schema": {"name": "label", "schema": schema, "strict": True}},
)
out["json_schema"] = json.loads(structured.choices[0].message.content)

try:
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    out["bad_model"] = None
except Exception as err:  # the SDK's error classes carry the status
    out["bad_model"] = {"type": type(err).__name__, "status": getattr(err, "status_code", None)}

print(json.dumps(out))
