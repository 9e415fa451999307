"""Calls tierd from Python over gRPC: classify, route, stream, and an error.

Usage: /usr/bin/python3 clients/python/example.py [HOST:PORT]
"""
import sys

import grpc

from tierd.v1 import router_pb2 as pb
from tierd.v1 import router_pb2_grpc

target = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:50051"
with grpc.insecure_channel(target) as channel:
    tierd = router_pb2_grpc.RouterServiceStub(channel)
    question = [pb.ChatMessage(role=pb.ROLE_USER, content="Is 7 a prime number?")]

    # Classify is free (no model call) and idempotent: safe to retry.
    decision = tierd.Classify(pb.ClassifyRequest(messages=question), timeout=5).decision
    print("would route to", pb.Tier.Name(decision.tier), "because", decision.reason)

    # request_id is the idempotency key: reuse it if you retry this call.
    res = tierd.Route(pb.RouteRequest(messages=question, request_id="py-example-1"), timeout=30)
    print(res.model, "answered:", res.content)
    print("cost:", res.cost_pico_usd, "pico-USD")

    for msg in tierd.StreamCompletion(pb.StreamCompletionRequest(messages=question), timeout=30):
        kind = msg.WhichOneof("event")
        if kind == "delta":
            print(msg.delta.content, end="", flush=True)
        elif kind == "summary":
            print("\nstream done:", msg.summary.usage.output_tokens, "output tokens")

    try:
        tierd.Route(pb.RouteRequest(), timeout=5)  # no messages: a bad request
    except grpc.RpcError as err:
        print("error:", err.code().name, "-", err.details())
