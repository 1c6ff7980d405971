"""The openai Python SDK's default retries, observed: run by test/simulator/python-sdk.test.ts against a
loopback server that scripts its answers. Prints JSON: the SDK's retry constants and each call's outcome."""
import json
import sys

import openai
from openai import OpenAI
from openai import _constants as constants

base = sys.argv[1]
client = OpenAI(base_url=base, api_key="k")  # default max_retries (2)
outcomes = {}
for case in ("honours-retry-after-ms", "refuses-over-120s"):
    try:
        r = client.chat.completions.create(model="chat", messages=[{"role": "user", "content": case}], extra_headers={"x-case": case})
        outcomes[case] = {"ok": True, "content": r.choices[0].message.content}
    except openai.APIStatusError as err:
        outcomes[case] = {"ok": False, "status": err.status_code, "type": type(err).__name__}
print(json.dumps({
    "constants": {
        "maxRetries": constants.DEFAULT_MAX_RETRIES,
        "initialRetryDelaySeconds": constants.INITIAL_RETRY_DELAY,
        "maxRetryDelaySeconds": constants.MAX_RETRY_DELAY,
        "maxRetryAfterSeconds": constants.MAX_RETRY_AFTER_DELAY,
        "timeoutSeconds": constants.DEFAULT_TIMEOUT.read,
    },
    "outcomes": outcomes,
}))
