"""Item 5: one exit code per kind of error; a timeout is transient, not bad input."""

from __future__ import annotations

import inspect

import kho.errors as errors
from kho.errors import (
    AuthenticationError,
    ConflictError,
    ExitCode,
    InputError,
    KhoError,
    NotFoundError,
    PermissionDeniedError,
    ProcessingTimeoutError,
    RateLimitedError,
    ServiceUnavailableError,
)


def _error_classes() -> list[type[KhoError]]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, KhoError)]


def test_every_error_class_uses_an_exit_code_of_the_enum() -> None:
    for cls in _error_classes():
        assert isinstance(cls.exit_code, ExitCode), cls.__name__


def test_kinds_that_scripts_must_tell_apart_have_different_codes() -> None:
    kinds = [NotFoundError, ConflictError, AuthenticationError, PermissionDeniedError, RateLimitedError,
             InputError, ServiceUnavailableError, ProcessingTimeoutError]
    codes = [k.exit_code for k in kinds]
    assert len(set(codes)) == len(codes)
    assert NotFoundError.exit_code != ConflictError.exit_code
    assert len({AuthenticationError.exit_code, PermissionDeniedError.exit_code, RateLimitedError.exit_code}) == 3


def test_a_timeout_is_transient_and_not_bad_input() -> None:
    assert not issubclass(ProcessingTimeoutError, InputError)
    assert ProcessingTimeoutError.retryable and ServiceUnavailableError.retryable
    assert not InputError.retryable and not NotFoundError.retryable
    assert ProcessingTimeoutError.exit_code == ExitCode.TIMEOUT
    assert ProcessingTimeoutError.http_status == 503
