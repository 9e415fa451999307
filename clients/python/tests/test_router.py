"""The generated Python stubs against a running tierd over gRPC.

Run: /usr/bin/python3 -m unittest discover -s clients/python/tests -v
With TIERD_ADDR=host:port it calls that server; otherwise it starts
`node bin/tierd.js serve --port 0` (demo upstream) and stops it afterwards.
"""
import json
import os
import re
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.dirname(HERE))

import grpc  # noqa: E402

from tierd.v1 import router_pb2 as pb  # noqa: E402
from tierd.v1 import router_pb2_grpc  # noqa: E402

QUESTION = [pb.ChatMessage(role=pb.ROLE_USER, content="Is 7 a prime number?")]


def start_tierd(args=(), scheme="http"):
    """Starts `tierd serve --port 0 [args]` and returns (process, host:port)."""
    env = dict(os.environ)
    env.pop("TIERD_BASE_URL", None)
    env.pop("TIERD_CONFIG", None)
    proc = subprocess.Popen(
        ["node", "bin/tierd.js", "serve", "--port", "0", *args],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    listening = re.compile(r'"msg":"tierd listening","url":"' + scheme + r'://([^"]+)"')
    deadline = time.monotonic() + 30
    seen = ""
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen += line
        match = listening.search(line)
        if match:
            return proc, match.group(1)
    proc.kill()
    raise RuntimeError("tierd did not start:\n" + seen)


def stop_tierd(proc):
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    proc.stderr.close()


class RouterServiceOverGrpc(unittest.TestCase):
    proc = None

    @classmethod
    def setUpClass(cls):
        addr = os.environ.get("TIERD_ADDR")
        if not addr:
            cls.proc, addr = start_tierd()
        cls.channel = grpc.insecure_channel(addr)
        cls.stub = router_pb2_grpc.RouterServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        if cls.proc is not None:
            stop_tierd(cls.proc)

    def test_classify_decides_a_tier_without_calling_a_model(self):
        res = self.stub.Classify(pb.ClassifyRequest(messages=QUESTION, request_id="py-classify"), timeout=10)
        self.assertEqual(res.request_id, "py-classify")
        self.assertIn(res.decision.tier, (pb.TIER_NANO, pb.TIER_MID, pb.TIER_FRONTIER))
        self.assertEqual(res.decision.mode, pb.ROUTING_MODE_ENFORCE)
        self.assertEqual(len([s for s in res.decision.trace if s.decisive]), 1)
        self.assertGreater(res.input_tokens, 0)

    def test_route_answers_and_bills(self):
        res = self.stub.Route(pb.RouteRequest(messages=QUESTION, tier_override=pb.TIER_NANO), timeout=30)
        self.assertIn("Simulated answer from openai/gpt-4o-mini", res.content)
        self.assertEqual(res.tier, pb.TIER_NANO)
        self.assertEqual(res.decision.decided_by, pb.DECISION_STAGE_OVERRIDE)
        self.assertEqual(res.finish_reason, pb.FINISH_REASON_STOP)
        self.assertEqual([a.outcome for a in res.attempts], [pb.ATTEMPT_OUTCOME_SUCCESS])
        self.assertGreater(res.usage.output_tokens, 0)
        self.assertGreater(res.cost_pico_usd, 0)
        self.assertAlmostEqual(res.cost_usd, res.cost_pico_usd / 1e12, places=15)
        self.assertNotEqual(res.request_id, "")

    def test_optional_generation_params_reach_the_server(self):
        # proto3 `optional` fields: the reason for Debian's protoc 3.21.
        params = pb.GenerationParams(max_output_tokens=5)
        self.assertTrue(params.HasField("max_output_tokens"))
        self.assertFalse(params.HasField("temperature"))
        res = self.stub.Route(pb.RouteRequest(messages=QUESTION, params=params), timeout=30)
        self.assertEqual(res.finish_reason, pb.FINISH_REASON_LENGTH)
        self.assertLessEqual(len(res.content.split()), 5)

    def test_stream_sends_decision_then_deltas_then_summary(self):
        req = pb.StreamCompletionRequest(messages=QUESTION, tier_override=pb.TIER_NANO)
        events = list(self.stub.StreamCompletion(req, timeout=30))
        kinds = [m.WhichOneof("event") for m in events]
        self.assertEqual(kinds[0], "decision")
        self.assertEqual(kinds[-1], "summary")
        self.assertGreater(kinds.count("delta"), 1)
        self.assertEqual(set(kinds[1:-1]), {"delta"})
        text = "".join(m.delta.content for m in events if m.WhichOneof("event") == "delta")
        self.assertEqual(
            text,
            'Simulated answer from openai/gpt-4o-mini: this is a stand-in reply about "Is 7 a prime number?". '
            "No real model was called.",
        )
        summary = events[-1].summary
        self.assertEqual(summary.finish_reason, pb.FINISH_REASON_STOP)
        self.assertGreater(summary.cost_pico_usd, 0)

    def test_bad_request_is_invalid_argument_naming_the_field(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.Route(pb.RouteRequest(), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("messages", caught.exception.details())

    def test_message_without_role_is_invalid_argument(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.Classify(pb.ClassifyRequest(messages=[pb.ChatMessage(content="hi")]), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)

    def test_deadline_is_honoured(self):
        slow = pb.ChatMessage(role=pb.ROLE_USER, content='slow [[fake:{"delayHeadersMs":5000}]]')
        started = time.monotonic()
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.Route(pb.RouteRequest(messages=[slow]), timeout=0.5)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.DEADLINE_EXCEEDED)
        self.assertLess(time.monotonic() - started, 4)


class UpstreamFaultsOverGrpc(unittest.TestCase):
    """Faults on every deployment open their breakers for cooldown_ms (15 s in
    the embedded default), which would turn every later call into UNAVAILABLE:
    each of these tests gets a tierd of its own."""

    def setUp(self):
        self.proc = None
        addr = os.environ.get("TIERD_ADDR")
        if not addr:
            self.proc, addr = start_tierd()
        self.channel = grpc.insecure_channel(addr)
        self.stub = router_pb2_grpc.RouterServiceStub(self.channel)

    def tearDown(self):
        self.channel.close()
        if self.proc is not None:
            stop_tierd(self.proc)

    def test_every_deployment_failing_is_unavailable(self):
        # The directive makes the demo upstream fail every deployment, so the
        # whole fallback chain is walked before the caller hears of it.
        down = pb.ChatMessage(role=pb.ROLE_USER, content='hello [[fake:{"status":503}]]')
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.Route(pb.RouteRequest(messages=[down]), timeout=30)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertIn("every deployment in the fallback chain failed", caught.exception.details())

    def test_rate_limit_on_every_deployment_is_resource_exhausted(self):
        limited = pb.ChatMessage(role=pb.ROLE_USER, content='hello [[fake:{"status":429}]]')
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.Route(pb.RouteRequest(messages=[limited]), timeout=30)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)


if __name__ == "__main__":
    unittest.main()


class RouterServiceOverTls(unittest.TestCase):
    """The same stubs over TLS: tierd with server.tls and a certificate this test makes."""

    proc = None

    @classmethod
    def setUpClass(cls):
        import tempfile

        cls.dir = tempfile.mkdtemp(prefix="tierd-py-tls-")
        cert, key = os.path.join(cls.dir, "tls.crt"), os.path.join(cls.dir, "tls.key")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
             "-subj", "/CN=tierd-test", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        upstream = "http://127.0.0.1:9/v1"
        config = os.path.join(cls.dir, "tierd.yaml")
        with open(config, "w") as f:
            f.write(
                f"server:\n  tls: {{ cert_file: {cert}, key_file: {key} }}\nlog:\n  level: info\n"
                "deployments:\n"
                f"  nano-1: {{ model: openai/gpt-4o-mini, base_url: \"{upstream}\", api_key: k }}\n"
                f"  mid-1: {{ model: anthropic/claude-sonnet-4-6, base_url: \"{upstream}\", api_key: k }}\n"
                f"  frontier-1: {{ model: anthropic/claude-opus-4-7, base_url: \"{upstream}\", api_key: k }}\n"
                "tiers:\n  nano: { deployments: [nano-1] }\n  mid: { deployments: [mid-1] }\n  frontier: { deployments: [frontier-1] }\n"
                "usage:\n  database_url: \"sqlite::memory:\"\nauth:\n  enabled: false\n"
            )
        cls.proc, addr = start_tierd(["--config", config], scheme="https")
        with open(cert, "rb") as f:
            cls.ca = f.read()
        cls.addr = addr
        cls.channel = grpc.secure_channel(addr, grpc.ssl_channel_credentials(root_certificates=cls.ca))
        cls.stub = router_pb2_grpc.RouterServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        import shutil

        cls.channel.close()
        if cls.proc is not None:
            stop_tierd(cls.proc)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_classify_over_tls(self):
        res = self.stub.Classify(pb.ClassifyRequest(messages=QUESTION, request_id="py-tls"), timeout=10)
        self.assertEqual(res.request_id, "py-tls")
        self.assertIn(res.decision.tier, (pb.TIER_NANO, pb.TIER_MID, pb.TIER_FRONTIER))

    def test_refuses_a_cleartext_channel(self):
        with grpc.insecure_channel(self.addr) as plain:
            stub = router_pb2_grpc.RouterServiceStub(plain)
            with self.assertRaises(grpc.RpcError) as caught:
                stub.Classify(pb.ClassifyRequest(messages=QUESTION), timeout=5)
            self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAVAILABLE)
