from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ATTEMPT_OUTCOME_FAILURE: AttemptOutcome
ATTEMPT_OUTCOME_SKIPPED: AttemptOutcome
ATTEMPT_OUTCOME_SUCCESS: AttemptOutcome
ATTEMPT_OUTCOME_UNSPECIFIED: AttemptOutcome
DECISION_STAGE_CALLER_LIMIT: DecisionStage
DECISION_STAGE_DEFAULT: DecisionStage
DECISION_STAGE_LLM_CLASSIFIER: DecisionStage
DECISION_STAGE_LOCAL_CLASSIFIER: DecisionStage
DECISION_STAGE_MODE: DecisionStage
DECISION_STAGE_OVERRIDE: DecisionStage
DECISION_STAGE_RULE: DecisionStage
DECISION_STAGE_UNSPECIFIED: DecisionStage
DESCRIPTOR: _descriptor.FileDescriptor
ERROR_CLASS_BAD_REQUEST: ErrorClass
ERROR_CLASS_BUDGET: ErrorClass
ERROR_CLASS_CANCELED: ErrorClass
ERROR_CLASS_CONNECTION: ErrorClass
ERROR_CLASS_CONTEXT_LENGTH: ErrorClass
ERROR_CLASS_COOLDOWN: ErrorClass
ERROR_CLASS_DEADLINE: ErrorClass
ERROR_CLASS_MALFORMED_RESPONSE: ErrorClass
ERROR_CLASS_NOT_FOUND: ErrorClass
ERROR_CLASS_RATE_LIMITED: ErrorClass
ERROR_CLASS_SERVER_ERROR: ErrorClass
ERROR_CLASS_TIMEOUT: ErrorClass
ERROR_CLASS_TRUNCATED_STREAM: ErrorClass
ERROR_CLASS_UNSPECIFIED: ErrorClass
ERROR_CLASS_UNSUITABLE: ErrorClass
ERROR_CLASS_UPSTREAM_AUTH: ErrorClass
FINISH_REASON_CONTENT_FILTER: FinishReason
FINISH_REASON_LENGTH: FinishReason
FINISH_REASON_STOP: FinishReason
FINISH_REASON_TOOL_CALLS: FinishReason
FINISH_REASON_UNSPECIFIED: FinishReason
IMAGE_DETAIL_AUTO: ImageDetail
IMAGE_DETAIL_HIGH: ImageDetail
IMAGE_DETAIL_LOW: ImageDetail
IMAGE_DETAIL_UNSPECIFIED: ImageDetail
REASONING_EFFORT_HIGH: ReasoningEffort
REASONING_EFFORT_LOW: ReasoningEffort
REASONING_EFFORT_MEDIUM: ReasoningEffort
REASONING_EFFORT_MINIMAL: ReasoningEffort
REASONING_EFFORT_NONE: ReasoningEffort
REASONING_EFFORT_UNSPECIFIED: ReasoningEffort
RESPONSE_FORMAT_JSON_OBJECT: ResponseFormat
RESPONSE_FORMAT_JSON_SCHEMA: ResponseFormat
RESPONSE_FORMAT_TEXT: ResponseFormat
RESPONSE_FORMAT_UNSPECIFIED: ResponseFormat
ROLE_ASSISTANT: Role
ROLE_SYSTEM: Role
ROLE_TOOL: Role
ROLE_UNSPECIFIED: Role
ROLE_USER: Role
ROUTING_MODE_ENFORCE: RoutingMode
ROUTING_MODE_RULES_ONLY: RoutingMode
ROUTING_MODE_SHADOW: RoutingMode
ROUTING_MODE_UNSPECIFIED: RoutingMode
TIER_FRONTIER: Tier
TIER_MID: Tier
TIER_NANO: Tier
TIER_UNSPECIFIED: Tier
TOOL_CHOICE_MODE_AUTO: ToolChoiceMode
TOOL_CHOICE_MODE_NONE: ToolChoiceMode
TOOL_CHOICE_MODE_REQUIRED: ToolChoiceMode
TOOL_CHOICE_MODE_UNSPECIFIED: ToolChoiceMode

class Attempt(_message.Message):
    __slots__ = ["deployment", "detail", "error_class", "http_status", "latency_ms", "model", "outcome", "tier"]
    DEPLOYMENT_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    ERROR_CLASS_FIELD_NUMBER: _ClassVar[int]
    HTTP_STATUS_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    deployment: str
    detail: str
    error_class: ErrorClass
    http_status: int
    latency_ms: float
    model: str
    outcome: AttemptOutcome
    tier: Tier
    def __init__(self, deployment: _Optional[str] = ..., model: _Optional[str] = ..., tier: _Optional[_Union[Tier, str]] = ..., outcome: _Optional[_Union[AttemptOutcome, str]] = ..., error_class: _Optional[_Union[ErrorClass, str]] = ..., latency_ms: _Optional[float] = ..., http_status: _Optional[int] = ..., detail: _Optional[str] = ...) -> None: ...

class Caller(_message.Message):
    __slots__ = ["id", "metadata", "plan"]
    class MetadataEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    id: str
    metadata: _containers.ScalarMap[str, str]
    plan: str
    def __init__(self, id: _Optional[str] = ..., plan: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ChatMessage(_message.Message):
    __slots__ = ["content", "name", "parts", "role", "tool_call_id", "tool_calls"]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    content: str
    name: str
    parts: _containers.RepeatedCompositeFieldContainer[ContentPart]
    role: Role
    tool_call_id: str
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    def __init__(self, role: _Optional[_Union[Role, str]] = ..., content: _Optional[str] = ..., name: _Optional[str] = ..., tool_call_id: _Optional[str] = ..., parts: _Optional[_Iterable[_Union[ContentPart, _Mapping]]] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ...) -> None: ...

class ClassifyRequest(_message.Message):
    __slots__ = ["caller", "endpoint", "messages", "params", "request_id", "tier_override"]
    CALLER_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    caller: Caller
    endpoint: str
    messages: _containers.RepeatedCompositeFieldContainer[ChatMessage]
    params: GenerationParams
    request_id: str
    tier_override: Tier
    def __init__(self, messages: _Optional[_Iterable[_Union[ChatMessage, _Mapping]]] = ..., endpoint: _Optional[str] = ..., caller: _Optional[_Union[Caller, _Mapping]] = ..., tier_override: _Optional[_Union[Tier, str]] = ..., request_id: _Optional[str] = ..., params: _Optional[_Union[GenerationParams, _Mapping]] = ...) -> None: ...

class ClassifyResponse(_message.Message):
    __slots__ = ["decision", "input_tokens", "request_id"]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    decision: Decision
    input_tokens: int
    request_id: str
    def __init__(self, decision: _Optional[_Union[Decision, _Mapping]] = ..., input_tokens: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class ContentDelta(_message.Message):
    __slots__ = ["content"]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    content: str
    def __init__(self, content: _Optional[str] = ...) -> None: ...

class ContentPart(_message.Message):
    __slots__ = ["image", "text"]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    image: ImagePart
    text: str
    def __init__(self, text: _Optional[str] = ..., image: _Optional[_Union[ImagePart, _Mapping]] = ...) -> None: ...

class Decision(_message.Message):
    __slots__ = ["classifier_cost_pico_usd", "classifier_latency_ms", "confidence", "decided_by", "mode", "reason", "score", "shadow", "tier", "trace"]
    CLASSIFIER_COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    CLASSIFIER_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    SHADOW_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    classifier_cost_pico_usd: int
    classifier_latency_ms: float
    confidence: float
    decided_by: DecisionStage
    mode: RoutingMode
    reason: str
    score: float
    shadow: ShadowDecision
    tier: Tier
    trace: _containers.RepeatedCompositeFieldContainer[DecisionStep]
    def __init__(self, tier: _Optional[_Union[Tier, str]] = ..., score: _Optional[float] = ..., confidence: _Optional[float] = ..., decided_by: _Optional[_Union[DecisionStage, str]] = ..., reason: _Optional[str] = ..., classifier_latency_ms: _Optional[float] = ..., mode: _Optional[_Union[RoutingMode, str]] = ..., shadow: _Optional[_Union[ShadowDecision, _Mapping]] = ..., trace: _Optional[_Iterable[_Union[DecisionStep, _Mapping]]] = ..., classifier_cost_pico_usd: _Optional[int] = ...) -> None: ...

class DecisionStep(_message.Message):
    __slots__ = ["confidence", "decisive", "detail", "latency_ms", "score", "stage", "tier"]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    DECISIVE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    confidence: float
    decisive: bool
    detail: str
    latency_ms: float
    score: float
    stage: DecisionStage
    tier: Tier
    def __init__(self, stage: _Optional[_Union[DecisionStage, str]] = ..., tier: _Optional[_Union[Tier, str]] = ..., score: _Optional[float] = ..., confidence: _Optional[float] = ..., detail: _Optional[str] = ..., latency_ms: _Optional[float] = ..., decisive: bool = ...) -> None: ...

class GenerationParams(_message.Message):
    __slots__ = ["json_schema", "max_output_tokens", "parallel_tool_calls", "reasoning_effort", "response_format", "seed", "stop", "temperature", "tool_choice", "tools", "top_p", "user"]
    JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    PARALLEL_TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    REASONING_EFFORT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FORMAT_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CHOICE_FIELD_NUMBER: _ClassVar[int]
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    json_schema: JsonSchemaFormat
    max_output_tokens: int
    parallel_tool_calls: bool
    reasoning_effort: ReasoningEffort
    response_format: ResponseFormat
    seed: int
    stop: _containers.RepeatedScalarFieldContainer[str]
    temperature: float
    tool_choice: ToolChoice
    tools: _containers.RepeatedCompositeFieldContainer[Tool]
    top_p: float
    user: str
    def __init__(self, max_output_tokens: _Optional[int] = ..., temperature: _Optional[float] = ..., top_p: _Optional[float] = ..., stop: _Optional[_Iterable[str]] = ..., response_format: _Optional[_Union[ResponseFormat, str]] = ..., seed: _Optional[int] = ..., tools: _Optional[_Iterable[_Union[Tool, _Mapping]]] = ..., tool_choice: _Optional[_Union[ToolChoice, _Mapping]] = ..., parallel_tool_calls: bool = ..., json_schema: _Optional[_Union[JsonSchemaFormat, _Mapping]] = ..., reasoning_effort: _Optional[_Union[ReasoningEffort, str]] = ..., user: _Optional[str] = ...) -> None: ...

class ImagePart(_message.Message):
    __slots__ = ["detail", "url"]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    detail: ImageDetail
    url: str
    def __init__(self, url: _Optional[str] = ..., detail: _Optional[_Union[ImageDetail, str]] = ...) -> None: ...

class JsonSchemaFormat(_message.Message):
    __slots__ = ["description", "name", "schema", "strict"]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    description: str
    name: str
    schema: _struct_pb2.Struct
    strict: bool
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., strict: bool = ...) -> None: ...

class RouteRequest(_message.Message):
    __slots__ = ["cache_bypass", "caller", "endpoint", "messages", "params", "request_id", "tier_override"]
    CACHE_BYPASS_FIELD_NUMBER: _ClassVar[int]
    CALLER_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    cache_bypass: bool
    caller: Caller
    endpoint: str
    messages: _containers.RepeatedCompositeFieldContainer[ChatMessage]
    params: GenerationParams
    request_id: str
    tier_override: Tier
    def __init__(self, messages: _Optional[_Iterable[_Union[ChatMessage, _Mapping]]] = ..., endpoint: _Optional[str] = ..., caller: _Optional[_Union[Caller, _Mapping]] = ..., tier_override: _Optional[_Union[Tier, str]] = ..., params: _Optional[_Union[GenerationParams, _Mapping]] = ..., cache_bypass: bool = ..., request_id: _Optional[str] = ...) -> None: ...

class RouteResponse(_message.Message):
    __slots__ = ["attempts", "cache_hit", "content", "cost_pico_usd", "cost_usd", "decision", "deployment", "finish_reason", "latency_ms", "model", "replayed", "request_id", "tier", "tool_calls", "usage"]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    CACHE_HIT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    attempts: _containers.RepeatedCompositeFieldContainer[Attempt]
    cache_hit: bool
    content: str
    cost_pico_usd: int
    cost_usd: float
    decision: Decision
    deployment: str
    finish_reason: FinishReason
    latency_ms: float
    model: str
    replayed: bool
    request_id: str
    tier: Tier
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    usage: Usage
    def __init__(self, content: _Optional[str] = ..., finish_reason: _Optional[_Union[FinishReason, str]] = ..., decision: _Optional[_Union[Decision, _Mapping]] = ..., tier: _Optional[_Union[Tier, str]] = ..., deployment: _Optional[str] = ..., model: _Optional[str] = ..., attempts: _Optional[_Iterable[_Union[Attempt, _Mapping]]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., cost_usd: _Optional[float] = ..., cost_pico_usd: _Optional[int] = ..., cache_hit: bool = ..., latency_ms: _Optional[float] = ..., request_id: _Optional[str] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., replayed: bool = ...) -> None: ...

class ShadowDecision(_message.Message):
    __slots__ = ["confidence", "decided_by", "reason", "score", "tier"]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    confidence: float
    decided_by: DecisionStage
    reason: str
    score: float
    tier: Tier
    def __init__(self, tier: _Optional[_Union[Tier, str]] = ..., score: _Optional[float] = ..., confidence: _Optional[float] = ..., decided_by: _Optional[_Union[DecisionStage, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class StreamCompletionRequest(_message.Message):
    __slots__ = ["cache_bypass", "caller", "endpoint", "messages", "params", "request_id", "tier_override"]
    CACHE_BYPASS_FIELD_NUMBER: _ClassVar[int]
    CALLER_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    cache_bypass: bool
    caller: Caller
    endpoint: str
    messages: _containers.RepeatedCompositeFieldContainer[ChatMessage]
    params: GenerationParams
    request_id: str
    tier_override: Tier
    def __init__(self, messages: _Optional[_Iterable[_Union[ChatMessage, _Mapping]]] = ..., endpoint: _Optional[str] = ..., caller: _Optional[_Union[Caller, _Mapping]] = ..., tier_override: _Optional[_Union[Tier, str]] = ..., params: _Optional[_Union[GenerationParams, _Mapping]] = ..., cache_bypass: bool = ..., request_id: _Optional[str] = ...) -> None: ...

class StreamCompletionResponse(_message.Message):
    __slots__ = ["decision", "delta", "summary", "tool_call_delta"]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_DELTA_FIELD_NUMBER: _ClassVar[int]
    decision: Decision
    delta: ContentDelta
    summary: StreamSummary
    tool_call_delta: ToolCallDelta
    def __init__(self, decision: _Optional[_Union[Decision, _Mapping]] = ..., delta: _Optional[_Union[ContentDelta, _Mapping]] = ..., summary: _Optional[_Union[StreamSummary, _Mapping]] = ..., tool_call_delta: _Optional[_Union[ToolCallDelta, _Mapping]] = ...) -> None: ...

class StreamFailure(_message.Message):
    __slots__ = ["cost_pico_usd", "delivered_chars", "delivered_deltas", "delivered_tokens", "request_id", "usage"]
    COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_CHARS_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_DELTAS_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    cost_pico_usd: int
    delivered_chars: int
    delivered_deltas: int
    delivered_tokens: int
    request_id: str
    usage: Usage
    def __init__(self, delivered_deltas: _Optional[int] = ..., delivered_chars: _Optional[int] = ..., delivered_tokens: _Optional[int] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., cost_pico_usd: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class StreamSummary(_message.Message):
    __slots__ = ["attempts", "cache_hit", "cost_pico_usd", "cost_usd", "deployment", "finish_reason", "latency_ms", "model", "replayed", "request_id", "tier", "time_to_first_token_ms", "tool_calls", "usage"]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    CACHE_HIT_FIELD_NUMBER: _ClassVar[int]
    COST_PICO_USD_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    TIME_TO_FIRST_TOKEN_MS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    attempts: _containers.RepeatedCompositeFieldContainer[Attempt]
    cache_hit: bool
    cost_pico_usd: int
    cost_usd: float
    deployment: str
    finish_reason: FinishReason
    latency_ms: float
    model: str
    replayed: bool
    request_id: str
    tier: Tier
    time_to_first_token_ms: float
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    usage: Usage
    def __init__(self, finish_reason: _Optional[_Union[FinishReason, str]] = ..., tier: _Optional[_Union[Tier, str]] = ..., deployment: _Optional[str] = ..., model: _Optional[str] = ..., attempts: _Optional[_Iterable[_Union[Attempt, _Mapping]]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., cost_usd: _Optional[float] = ..., cost_pico_usd: _Optional[int] = ..., cache_hit: bool = ..., latency_ms: _Optional[float] = ..., time_to_first_token_ms: _Optional[float] = ..., request_id: _Optional[str] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., replayed: bool = ...) -> None: ...

class Tool(_message.Message):
    __slots__ = ["description", "name", "parameters", "strict"]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    description: str
    name: str
    parameters: _struct_pb2.Struct
    strict: bool
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., strict: bool = ...) -> None: ...

class ToolCall(_message.Message):
    __slots__ = ["arguments", "id", "name"]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    arguments: str
    id: str
    name: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., arguments: _Optional[str] = ...) -> None: ...

class ToolCallDelta(_message.Message):
    __slots__ = ["arguments", "id", "index", "name"]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    arguments: str
    id: str
    index: int
    name: str
    def __init__(self, index: _Optional[int] = ..., id: _Optional[str] = ..., name: _Optional[str] = ..., arguments: _Optional[str] = ...) -> None: ...

class ToolChoice(_message.Message):
    __slots__ = ["function", "mode"]
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    function: str
    mode: ToolChoiceMode
    def __init__(self, mode: _Optional[_Union[ToolChoiceMode, str]] = ..., function: _Optional[str] = ...) -> None: ...

class Usage(_message.Message):
    __slots__ = ["cache_write_tokens", "cached_input_tokens", "estimated", "input_tokens", "output_tokens", "reasoning_tokens"]
    CACHED_INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CACHE_WRITE_TOKENS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REASONING_TOKENS_FIELD_NUMBER: _ClassVar[int]
    cache_write_tokens: int
    cached_input_tokens: int
    estimated: bool
    input_tokens: int
    output_tokens: int
    reasoning_tokens: int
    def __init__(self, input_tokens: _Optional[int] = ..., output_tokens: _Optional[int] = ..., cached_input_tokens: _Optional[int] = ..., reasoning_tokens: _Optional[int] = ..., cache_write_tokens: _Optional[int] = ..., estimated: bool = ...) -> None: ...

class Tier(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ImageDetail(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ToolChoiceMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ReasoningEffort(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ResponseFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class FinishReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class DecisionStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class RoutingMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AttemptOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ErrorClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
