from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
LIMIT_KIND_BUDGET_DAY: LimitKind
LIMIT_KIND_BUDGET_MONTH: LimitKind
LIMIT_KIND_REQUESTS_PER_MINUTE: LimitKind
LIMIT_KIND_TOKENS_PER_MINUTE: LimitKind
LIMIT_KIND_UNSPECIFIED: LimitKind

class LimitExceeded(_message.Message):
    __slots__ = ["kind", "limit", "name", "resets_at"]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RESETS_AT_FIELD_NUMBER: _ClassVar[int]
    kind: LimitKind
    limit: int
    name: str
    resets_at: _timestamp_pb2.Timestamp
    def __init__(self, kind: _Optional[_Union[LimitKind, str]] = ..., name: _Optional[str] = ..., limit: _Optional[int] = ..., resets_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RetryInfo(_message.Message):
    __slots__ = ["retry_delay"]
    RETRY_DELAY_FIELD_NUMBER: _ClassVar[int]
    retry_delay: _duration_pb2.Duration
    def __init__(self, retry_delay: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class LimitKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
