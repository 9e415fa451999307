from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from tierd.v1 import router_pb2 as _router_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
FEEDBACK_VERDICT_BAD_ANSWER: FeedbackVerdict
FEEDBACK_VERDICT_GOOD: FeedbackVerdict
FEEDBACK_VERDICT_MISROUTED: FeedbackVerdict
FEEDBACK_VERDICT_UNSPECIFIED: FeedbackVerdict
REPORT_WARNING_KIND_FRONTIER_SHARE: ReportWarningKind
REPORT_WARNING_KIND_ROUTING_SLOWER: ReportWarningKind
REPORT_WARNING_KIND_UNSPECIFIED: ReportWarningKind

class BreakEven(_message.Message):
    __slots__ = ["classifier_p50_ms", "endpoint", "margin_ms", "mid_from_all_endpoints", "mid_p50_ms", "nano_p50_ms", "nano_requests", "routing_slower"]
    CLASSIFIER_P50_MS_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    MARGIN_MS_FIELD_NUMBER: _ClassVar[int]
    MID_FROM_ALL_ENDPOINTS_FIELD_NUMBER: _ClassVar[int]
    MID_P50_MS_FIELD_NUMBER: _ClassVar[int]
    NANO_P50_MS_FIELD_NUMBER: _ClassVar[int]
    NANO_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    ROUTING_SLOWER_FIELD_NUMBER: _ClassVar[int]
    classifier_p50_ms: float
    endpoint: str
    margin_ms: float
    mid_from_all_endpoints: bool
    mid_p50_ms: float
    nano_p50_ms: float
    nano_requests: int
    routing_slower: bool
    def __init__(self, endpoint: _Optional[str] = ..., nano_requests: _Optional[int] = ..., classifier_p50_ms: _Optional[float] = ..., nano_p50_ms: _Optional[float] = ..., mid_p50_ms: _Optional[float] = ..., mid_from_all_endpoints: bool = ..., margin_ms: _Optional[float] = ..., routing_slower: bool = ...) -> None: ...

class EndpointUsage(_message.Message):
    __slots__ = ["cost_pico_usd", "cost_share", "endpoint", "requests", "tiers"]
    COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    COST_SHARE_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    cost_pico_usd: int
    cost_share: float
    endpoint: str
    requests: int
    tiers: _containers.RepeatedCompositeFieldContainer[TierShare]
    def __init__(self, endpoint: _Optional[str] = ..., requests: _Optional[int] = ..., cost_pico_usd: _Optional[int] = ..., cost_share: _Optional[float] = ..., tiers: _Optional[_Iterable[_Union[TierShare, _Mapping]]] = ...) -> None: ...

class ExportLabelsRequest(_message.Message):
    __slots__ = ["limit", "misrouted_only", "start_time"]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    MISROUTED_ONLY_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    limit: int
    misrouted_only: bool
    start_time: _timestamp_pb2.Timestamp
    def __init__(self, start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., misrouted_only: bool = ..., limit: _Optional[int] = ...) -> None: ...

class ExportLabelsResponse(_message.Message):
    __slots__ = ["prompt", "request_id", "tier", "verdict"]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    prompt: str
    request_id: str
    tier: _router_pb2.Tier
    verdict: FeedbackVerdict
    def __init__(self, prompt: _Optional[str] = ..., tier: _Optional[_Union[_router_pb2.Tier, str]] = ..., request_id: _Optional[str] = ..., verdict: _Optional[_Union[FeedbackVerdict, str]] = ...) -> None: ...

class GetUsageReportRequest(_message.Message):
    __slots__ = ["bucket_width", "end_time", "endpoint", "lookback", "max_frontier_share", "start_time", "top_endpoints"]
    BUCKET_WIDTH_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    LOOKBACK_FIELD_NUMBER: _ClassVar[int]
    MAX_FRONTIER_SHARE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    TOP_ENDPOINTS_FIELD_NUMBER: _ClassVar[int]
    bucket_width: _duration_pb2.Duration
    end_time: _timestamp_pb2.Timestamp
    endpoint: str
    lookback: _duration_pb2.Duration
    max_frontier_share: float
    start_time: _timestamp_pb2.Timestamp
    top_endpoints: int
    def __init__(self, start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., lookback: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., endpoint: _Optional[str] = ..., top_endpoints: _Optional[int] = ..., max_frontier_share: _Optional[float] = ..., bucket_width: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class GetUsageReportResponse(_message.Message):
    __slots__ = ["report"]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: UsageReport
    def __init__(self, report: _Optional[_Union[UsageReport, _Mapping]] = ...) -> None: ...

class ReloadClassifierRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ReloadClassifierResponse(_message.Message):
    __slots__ = ["example_count", "examples", "model", "model_trained_at", "remembered_prompts"]
    EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    EXAMPLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    MODEL_TRAINED_AT_FIELD_NUMBER: _ClassVar[int]
    REMEMBERED_PROMPTS_FIELD_NUMBER: _ClassVar[int]
    example_count: int
    examples: str
    model: str
    model_trained_at: str
    remembered_prompts: int
    def __init__(self, model: _Optional[str] = ..., model_trained_at: _Optional[str] = ..., remembered_prompts: _Optional[int] = ..., examples: _Optional[str] = ..., example_count: _Optional[int] = ...) -> None: ...

class ReloadConfigRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ReloadConfigResponse(_message.Message):
    __slots__ = ["restart_required", "source"]
    RESTART_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    restart_required: _containers.RepeatedScalarFieldContainer[str]
    source: str
    def __init__(self, source: _Optional[str] = ..., restart_required: _Optional[_Iterable[str]] = ...) -> None: ...

class ReportWarning(_message.Message):
    __slots__ = ["endpoint", "kind", "message"]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    endpoint: str
    kind: ReportWarningKind
    message: str
    def __init__(self, kind: _Optional[_Union[ReportWarningKind, str]] = ..., message: _Optional[str] = ..., endpoint: _Optional[str] = ...) -> None: ...

class Savings(_message.Message):
    __slots__ = ["actual_pico_usd", "all_frontier_pico_usd", "all_mid_pico_usd", "classifier_pico_usd", "vs_frontier_pico_usd", "vs_frontier_ratio", "vs_mid_pico_usd", "vs_mid_ratio"]
    ACTUAL_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    ALL_FRONTIER_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    ALL_MID_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    CLASSIFIER_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    VS_FRONTIER_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    VS_FRONTIER_RATIO_FIELD_NUMBER: _ClassVar[int]
    VS_MID_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    VS_MID_RATIO_FIELD_NUMBER: _ClassVar[int]
    actual_pico_usd: int
    all_frontier_pico_usd: int
    all_mid_pico_usd: int
    classifier_pico_usd: int
    vs_frontier_pico_usd: int
    vs_frontier_ratio: float
    vs_mid_pico_usd: int
    vs_mid_ratio: float
    def __init__(self, actual_pico_usd: _Optional[int] = ..., all_mid_pico_usd: _Optional[int] = ..., all_frontier_pico_usd: _Optional[int] = ..., vs_mid_pico_usd: _Optional[int] = ..., vs_frontier_pico_usd: _Optional[int] = ..., vs_mid_ratio: _Optional[float] = ..., vs_frontier_ratio: _Optional[float] = ..., classifier_pico_usd: _Optional[int] = ...) -> None: ...

class ShadowUsage(_message.Message):
    __slots__ = ["actual_pico_usd", "distribution", "requests", "savings_pico_usd", "would_cost_pico_usd"]
    ACTUAL_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    SAVINGS_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    WOULD_COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    actual_pico_usd: int
    distribution: _containers.RepeatedCompositeFieldContainer[TierShare]
    requests: int
    savings_pico_usd: int
    would_cost_pico_usd: int
    def __init__(self, requests: _Optional[int] = ..., distribution: _Optional[_Iterable[_Union[TierShare, _Mapping]]] = ..., actual_pico_usd: _Optional[int] = ..., would_cost_pico_usd: _Optional[int] = ..., savings_pico_usd: _Optional[int] = ...) -> None: ...

class SubmitFeedbackRequest(_message.Message):
    __slots__ = ["comment", "expected_tier", "request_id", "verdict"]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_TIER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    comment: str
    expected_tier: _router_pb2.Tier
    request_id: str
    verdict: FeedbackVerdict
    def __init__(self, request_id: _Optional[str] = ..., verdict: _Optional[_Union[FeedbackVerdict, str]] = ..., expected_tier: _Optional[_Union[_router_pb2.Tier, str]] = ..., comment: _Optional[str] = ...) -> None: ...

class SubmitFeedbackResponse(_message.Message):
    __slots__ = ["decided_tier", "feedback_id", "prompt_stored", "served_tier"]
    DECIDED_TIER_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_ID_FIELD_NUMBER: _ClassVar[int]
    PROMPT_STORED_FIELD_NUMBER: _ClassVar[int]
    SERVED_TIER_FIELD_NUMBER: _ClassVar[int]
    decided_tier: _router_pb2.Tier
    feedback_id: str
    prompt_stored: bool
    served_tier: _router_pb2.Tier
    def __init__(self, feedback_id: _Optional[str] = ..., decided_tier: _Optional[_Union[_router_pb2.Tier, str]] = ..., served_tier: _Optional[_Union[_router_pb2.Tier, str]] = ..., prompt_stored: bool = ...) -> None: ...

class TierShare(_message.Message):
    __slots__ = ["requests", "share", "tier"]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    SHARE_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    requests: int
    share: float
    tier: _router_pb2.Tier
    def __init__(self, tier: _Optional[_Union[_router_pb2.Tier, str]] = ..., requests: _Optional[int] = ..., share: _Optional[float] = ...) -> None: ...

class TierUsage(_message.Message):
    __slots__ = ["average_cost_pico_usd", "cache_hit_rate", "cache_hits", "cache_saved_pico_usd", "cost_pico_usd", "cost_share", "error_rate", "errors", "fallbacks_in", "latency_p50_ms", "latency_p95_ms", "request_share", "requests", "tier"]
    AVERAGE_COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    CACHE_HITS_FIELD_NUMBER: _ClassVar[int]
    CACHE_HIT_RATE_FIELD_NUMBER: _ClassVar[int]
    CACHE_SAVED_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    COST_SHARE_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    ERROR_RATE_FIELD_NUMBER: _ClassVar[int]
    FALLBACKS_IN_FIELD_NUMBER: _ClassVar[int]
    LATENCY_P50_MS_FIELD_NUMBER: _ClassVar[int]
    LATENCY_P95_MS_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_SHARE_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    average_cost_pico_usd: int
    cache_hit_rate: float
    cache_hits: int
    cache_saved_pico_usd: int
    cost_pico_usd: int
    cost_share: float
    error_rate: float
    errors: int
    fallbacks_in: int
    latency_p50_ms: float
    latency_p95_ms: float
    request_share: float
    requests: int
    tier: _router_pb2.Tier
    def __init__(self, tier: _Optional[_Union[_router_pb2.Tier, str]] = ..., requests: _Optional[int] = ..., request_share: _Optional[float] = ..., cost_pico_usd: _Optional[int] = ..., cost_share: _Optional[float] = ..., average_cost_pico_usd: _Optional[int] = ..., errors: _Optional[int] = ..., error_rate: _Optional[float] = ..., latency_p50_ms: _Optional[float] = ..., latency_p95_ms: _Optional[float] = ..., fallbacks_in: _Optional[int] = ..., cache_hits: _Optional[int] = ..., cache_hit_rate: _Optional[float] = ..., cache_saved_pico_usd: _Optional[int] = ...) -> None: ...

class UsageBucket(_message.Message):
    __slots__ = ["actual_pico_usd", "all_frontier_pico_usd", "all_mid_pico_usd", "cache_hits", "canceled", "cost_pico_usd", "errors", "fallbacks", "misroutes_too_high", "misroutes_too_low", "requests", "shadow_actual_pico_usd", "shadow_requests", "shadow_would_cost_pico_usd", "start_time", "tiers"]
    ACTUAL_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    ALL_FRONTIER_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    ALL_MID_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    CACHE_HITS_FIELD_NUMBER: _ClassVar[int]
    CANCELED_FIELD_NUMBER: _ClassVar[int]
    COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    FALLBACKS_FIELD_NUMBER: _ClassVar[int]
    MISROUTES_TOO_HIGH_FIELD_NUMBER: _ClassVar[int]
    MISROUTES_TOO_LOW_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    SHADOW_ACTUAL_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    SHADOW_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    SHADOW_WOULD_COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    actual_pico_usd: int
    all_frontier_pico_usd: int
    all_mid_pico_usd: int
    cache_hits: int
    canceled: int
    cost_pico_usd: int
    errors: int
    fallbacks: int
    misroutes_too_high: int
    misroutes_too_low: int
    requests: int
    shadow_actual_pico_usd: int
    shadow_requests: int
    shadow_would_cost_pico_usd: int
    start_time: _timestamp_pb2.Timestamp
    tiers: _containers.RepeatedCompositeFieldContainer[UsageBucketTier]
    def __init__(self, start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., requests: _Optional[int] = ..., errors: _Optional[int] = ..., canceled: _Optional[int] = ..., fallbacks: _Optional[int] = ..., cache_hits: _Optional[int] = ..., cost_pico_usd: _Optional[int] = ..., actual_pico_usd: _Optional[int] = ..., all_mid_pico_usd: _Optional[int] = ..., all_frontier_pico_usd: _Optional[int] = ..., tiers: _Optional[_Iterable[_Union[UsageBucketTier, _Mapping]]] = ..., shadow_requests: _Optional[int] = ..., shadow_actual_pico_usd: _Optional[int] = ..., shadow_would_cost_pico_usd: _Optional[int] = ..., misroutes_too_low: _Optional[int] = ..., misroutes_too_high: _Optional[int] = ...) -> None: ...

class UsageBucketTier(_message.Message):
    __slots__ = ["cost_pico_usd", "errors", "requests", "tier"]
    COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    cost_pico_usd: int
    errors: int
    requests: int
    tier: _router_pb2.Tier
    def __init__(self, tier: _Optional[_Union[_router_pb2.Tier, str]] = ..., requests: _Optional[int] = ..., cost_pico_usd: _Optional[int] = ..., errors: _Optional[int] = ...) -> None: ...

class UsageReport(_message.Message):
    __slots__ = ["break_even", "bucket_width", "buckets", "dropped_records", "end_time", "endpoint", "max_frontier_share", "savings", "shadow", "start_time", "tiers", "top_endpoints", "totals", "warnings"]
    BREAK_EVEN_FIELD_NUMBER: _ClassVar[int]
    BUCKETS_FIELD_NUMBER: _ClassVar[int]
    BUCKET_WIDTH_FIELD_NUMBER: _ClassVar[int]
    DROPPED_RECORDS_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    MAX_FRONTIER_SHARE_FIELD_NUMBER: _ClassVar[int]
    SAVINGS_FIELD_NUMBER: _ClassVar[int]
    SHADOW_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    TOP_ENDPOINTS_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    break_even: _containers.RepeatedCompositeFieldContainer[BreakEven]
    bucket_width: _duration_pb2.Duration
    buckets: _containers.RepeatedCompositeFieldContainer[UsageBucket]
    dropped_records: int
    end_time: _timestamp_pb2.Timestamp
    endpoint: str
    max_frontier_share: float
    savings: Savings
    shadow: ShadowUsage
    start_time: _timestamp_pb2.Timestamp
    tiers: _containers.RepeatedCompositeFieldContainer[TierUsage]
    top_endpoints: _containers.RepeatedCompositeFieldContainer[EndpointUsage]
    totals: UsageTotals
    warnings: _containers.RepeatedCompositeFieldContainer[ReportWarning]
    def __init__(self, start_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., endpoint: _Optional[str] = ..., totals: _Optional[_Union[UsageTotals, _Mapping]] = ..., tiers: _Optional[_Iterable[_Union[TierUsage, _Mapping]]] = ..., top_endpoints: _Optional[_Iterable[_Union[EndpointUsage, _Mapping]]] = ..., savings: _Optional[_Union[Savings, _Mapping]] = ..., break_even: _Optional[_Iterable[_Union[BreakEven, _Mapping]]] = ..., shadow: _Optional[_Union[ShadowUsage, _Mapping]] = ..., warnings: _Optional[_Iterable[_Union[ReportWarning, _Mapping]]] = ..., max_frontier_share: _Optional[float] = ..., dropped_records: _Optional[int] = ..., buckets: _Optional[_Iterable[_Union[UsageBucket, _Mapping]]] = ..., bucket_width: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class UsageTotals(_message.Message):
    __slots__ = ["cache_hit_rate", "cache_hits", "cache_saved_pico_usd", "canceled", "classifier_cost_pico_usd", "classify_requests", "cost_pico_usd", "error_rate", "errors", "fallbacks", "input_tokens", "output_tokens", "requests"]
    CACHE_HITS_FIELD_NUMBER: _ClassVar[int]
    CACHE_HIT_RATE_FIELD_NUMBER: _ClassVar[int]
    CACHE_SAVED_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    CANCELED_FIELD_NUMBER: _ClassVar[int]
    CLASSIFIER_COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    CLASSIFY_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    ERROR_RATE_FIELD_NUMBER: _ClassVar[int]
    FALLBACKS_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    cache_hit_rate: float
    cache_hits: int
    cache_saved_pico_usd: int
    canceled: int
    classifier_cost_pico_usd: int
    classify_requests: int
    cost_pico_usd: int
    error_rate: float
    errors: int
    fallbacks: int
    input_tokens: int
    output_tokens: int
    requests: int
    def __init__(self, requests: _Optional[int] = ..., classify_requests: _Optional[int] = ..., errors: _Optional[int] = ..., error_rate: _Optional[float] = ..., canceled: _Optional[int] = ..., cost_pico_usd: _Optional[int] = ..., input_tokens: _Optional[int] = ..., output_tokens: _Optional[int] = ..., cache_hits: _Optional[int] = ..., fallbacks: _Optional[int] = ..., cache_hit_rate: _Optional[float] = ..., cache_saved_pico_usd: _Optional[int] = ..., classifier_cost_pico_usd: _Optional[int] = ...) -> None: ...

class ReportWarningKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class FeedbackVerdict(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
