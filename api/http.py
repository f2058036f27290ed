"""The API's behaviour on the wire that every operation shares: the error body,
ETags on reads, and, on writes, the Idempotency-Key and the audit entry."""

from __future__ import annotations

import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import parse_etags

from .errors import ApiError
from .models import ApiAuditEntry, IdempotencyRecord
from .tokens import key_hash, token_authenticate

IDEMPOTENCY_KEY_MAX = 200
KEY_TOO_LONG = "An Idempotency-Key is at most 200 characters."
KEY_REUSED = (
    "This Idempotency-Key was used for a different request; use a new key for each distinct write, the same key "
    "only to retry the same one."
)
KEY_IN_PROGRESS = "A request with this Idempotency-Key is still being processed; retry in a moment."
# Answers a retry should not repeat: the token or the rate limit may be fine next time.
NOT_KEPT = {401, 429}


def error_response(error: ApiError) -> JsonResponse:
    response = JsonResponse({"code": error.code, "message": error.message, "errors": error.errors}, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def with_etag(request, response: HttpResponse) -> HttpResponse:
    """A strong ETag from the body of a successful read; 304 when the client has it."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    response["ETag"] = etag
    return response


def _bearer(request) -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else ""


def _request_hash(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path()):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def write_operation(run):
    """Wrap a write operation (django-ninja's `operation.run`).

    The whole write is one transaction, and so is its Idempotency-Key: the key
    is claimed by inserting its row first, so of two identical requests at
    once the database makes the second wait until the first commits, then
    finds the row and answers with the first's response (`Idempotent-Replayed:
    true`). A refusal (4xx) is kept and replayed too, with the refused work
    rolled back; a server error keeps nothing, so a retry does the work.
    Every answered write of a valid token leaves an audit entry.
    """

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "")
        if len(key) > IDEMPOTENCY_KEY_MAX:
            return error_response(ApiError(KEY_TOO_LONG, code="bad_idempotency_key", status=400))
        raw = _bearer(request)
        with transaction.atomic():
            record = None
            if key and raw:
                request_hash = _request_hash(request)
                try:
                    with transaction.atomic():
                        record = IdempotencyRecord.objects.create(token_hash=key_hash(raw), key=key, request_hash=request_hash)
                except IntegrityError:
                    return _replay(request, raw=raw, key=key, request_hash=request_hash)
            savepoint = transaction.savepoint()
            response = run(request, *args, **kwargs)
            token = getattr(request, "auth", None)
            if token is None or response.status_code in NOT_KEPT or response.status_code >= 500:
                transaction.set_rollback(True)
                return response
            if response.status_code >= 400:
                # A refusal changes nothing, whatever the operation had begun.
                transaction.savepoint_rollback(savepoint)
            else:
                transaction.savepoint_commit(savepoint)
            if record is not None:
                record.status = response.status_code
                record.body = response.content
                record.content_type = response.get("Content-Type", "")
                record.save(update_fields=["status", "body", "content_type"])
            _audit(request, token=token, response=response, key=key)
        return response

    return wrapper


def _replay(request, *, raw: str, key: str, request_hash: str) -> HttpResponse:
    try:
        token = token_authenticate(key=raw)
    except ApiError as error:
        return error_response(error)
    prior = IdempotencyRecord.objects.get(token_hash=key_hash(raw), key=key)
    if prior.request_hash != request_hash:
        response = error_response(ApiError(KEY_REUSED, code="idempotency_key_reused", status=422))
    elif prior.status is None:
        response = error_response(ApiError(KEY_IN_PROGRESS, code="idempotency_in_progress", status=409))
    else:
        response = HttpResponse(bytes(prior.body), status=prior.status, content_type=prior.content_type)
        response["Idempotent-Replayed"] = "true"
    _audit(request, token=token, response=response, key=key, replayed=True)
    return response


def _audit(request, *, token, response, key: str, replayed: bool = False) -> None:
    summary = getattr(request, "audit_summary", "")
    if not summary and response.status_code >= 400:
        try:
            summary = json.loads(response.content).get("code", "")
        except (ValueError, AttributeError):
            summary = ""
    ApiAuditEntry.objects.create(
        token=token,
        method=request.method,
        path=request.get_full_path()[:300],
        status=response.status_code,
        idempotency_key=key,
        replayed=replayed,
        summary=summary[:300],
    )
