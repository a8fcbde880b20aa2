"""Request id for tracing: set on the request, in a context variable for audit rows, and echoed back."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .request_context import new_request_id, request_id_var


class RequestIdMiddleware:
    header = "X-Request-ID"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(self.header, "")
        # Accept a caller's id only if it is short and plain; otherwise make our own.
        request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[self.header] = request_id
        return response
