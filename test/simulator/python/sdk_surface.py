"""The gateway's client surface as the official `openai` Python SDK sees it.

Run by test/simulator/python-sdk.test.ts: python sdk_surface.py <gateway url> <subscription key>.
Prints one JSON document with what each call returned (or the error the SDK raised), for the test
to judge. Every call uses max_retries=0 so an error is the gateway's own answer.
"""
import json
import sys

import openai
from openai import AzureOpenAI, OpenAI

base, key = sys.argv[1], sys.argv[2]
azure = AzureOpenAI(azure_endpoint=base, api_key=key, api_version="2024-10-21", max_retries=0)
# OpenAI sends its api_key as a bearer token; APIM reads a subscription key from the header the API names.
v1 = OpenAI(base_url=f"{base}/openai/v1/", api_key=key, default_headers={"api-key": key}, max_retries=0)
results = {"sdk": openai.__version__}


def error_of(call):
    try:
        call()
    except openai.APIStatusError as err:
        body = err.body if isinstance(err.body, dict) else {}
        return {"status": err.status_code, "type": type(err).__name__, "code": body.get("code"), "message": body.get("message")}
    return None


for name, client in (("azure", azure), ("v1", v1)):
    chat = client.chat.completions.create(model="chat", messages=[{"role": "user", "content": "hello"}], max_tokens=20)
    chunks, text, usage = 0, "", None
    stream = client.chat.completions.create(
        model="chat", messages=[{"role": "user", "content": "stream"}], max_tokens=12, stream=True, stream_options={"include_usage": True}
    )
    for chunk in stream:
        chunks += 1
        for choice in chunk.choices:
            text += choice.delta.content or ""
        if chunk.usage:
            usage = chunk.usage.model_dump(include={"prompt_tokens", "completion_tokens", "total_tokens"})
    embeddings = client.embeddings.create(model="embeddings", input=["a", "b"])
    results[name] = {
        "chat": {"content": chat.choices[0].message.content, "finish": chat.choices[0].finish_reason, "usage": chat.usage.total_tokens if chat.usage else None},
        "stream": {"chunks": chunks, "text": text, "usage": usage},
        "embeddings": {"count": len(embeddings.data), "dims": len(embeddings.data[0].embedding)},
        "unknownRoute": error_of(lambda: client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])),
        "badMessages": error_of(lambda: client.chat.completions.create(model="chat", messages="not a list")),
    }

first = v1.responses.create(model="chat", input="first turn")
second = v1.responses.create(model="chat", input="second turn", previous_response_id=first.id)
events = [event.type for event in v1.responses.create(model="chat", input="stream", stream=True)]
results["responses"] = {
    "first": {"id": first.id, "status": first.status, "text": first.output_text},
    "second": {"id": second.id, "previous": second.previous_response_id, "text": second.output_text},
    "retrieved": v1.responses.retrieve(first.id).id,
    "unknownPrevious": error_of(lambda: v1.responses.create(model="chat", input="x", previous_response_id="resp_unknown123")),
    "streamEvents": {"count": len(events), "first": events[0] if events else None, "last": events[-1] if events else None},
}
print(json.dumps(results))
