"""Runs Microsoft's Azure OpenAI API simulator's own token/request limiter on a request stream.

Usage: python3 ms_limiter.py <path to aoai_api_simulator/limiters.py> <stream.json>
stream.json: {"tokensPerMinute": N, "requestsPer10s": N, "requests": [[t_seconds, cost], ...]}
Prints one JSON list: [[admitted (0/1), retry_after_seconds or null], ...].

The limiter module is loaded from the user's checkout of microsoft/aoai-api-simulator; its web
framework and package imports are replaced by empty stand-ins because only the window class runs.
"""
import importlib.util
import json
import sys
import types


def stub(name, **attrs):
    module = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(module, key, value)
    sys.modules[name] = module
    return module


class _Anything:
    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, _name):
        return _Anything()

    def __call__(self, *args, **kwargs):
        return _Anything()


stub("fastapi", Response=_Anything)
stub("aoai_api_simulator")
stub("aoai_api_simulator.constants")
stub("aoai_api_simulator.metrics", simulator_metrics=_Anything())
stub("aoai_api_simulator.models", Config=_Anything, OpenAIDeployment=_Anything, RequestContext=_Anything)

spec = importlib.util.spec_from_file_location("ms_limiters", sys.argv[1])
limiters = importlib.util.module_from_spec(spec)
spec.loader.exec_module(limiters)

with open(sys.argv[2], encoding="utf-8") as f:
    stream = json.load(f)
window = limiters.TokensPerMinuteSlidingWindow(
    requests_per_10_seconds=stream["requestsPer10s"], tokens_per_minute=stream["tokensPerMinute"]
)
out = []
for t, cost in stream["requests"]:
    result = window.add_request(token_cost=cost, timestamp=t)
    out.append([1 if result.success else 0, result.retry_after])
print(json.dumps(out))
